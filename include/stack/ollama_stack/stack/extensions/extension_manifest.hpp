#pragma once
// An extension's manifest, `mcp-config.json`: who it is (name, display name, description,
// version), how the MCP proxy reaches its server (transport, compose service, port, path), what
// it needs, and the platforms it supports. Parsing is pure and every error names the file and
// the field: `extensions/foo/mcp-config.json: mcp.transport: missing (one of sse,
// streamable-http)`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/stack/home/platform.hpp"

namespace ollama_stack::stack {

inline constexpr std::string_view kManifestFile = "mcp-config.json";
inline constexpr int kManifestSchemaVersion = 1;

enum class McpTransport { sse, streamable_http };
std::string to_string(McpTransport transport);  // "sse", "streamable-http"

struct McpEndpoint {
  McpTransport transport = McpTransport::sse;
  std::string service;  // the compose service serving MCP
  int port = 0;         // its container port
  std::string path;     // "/sse" (sse) or "/mcp" (streamable-http) unless given
};

struct ExtensionRequirements {
  bool gpu = false;                  // runs only on the nvidia platform
  std::optional<int> min_memory_mb;  // advisory, shown by `info`
  std::vector<std::string> env;      // variables that must be set (environment or <home>/.env)
};

struct ExtensionManifest {
  std::string name;  // equals the folder's name: [a-z0-9][a-z0-9_-]*
  std::string display_name;
  std::string description;
  std::string version;
  McpEndpoint mcp;
  ExtensionRequirements requirements;
  std::vector<Platform> platforms;  // where it runs; all three when the manifest says nothing
};

// Whether `name` is a valid extension name (lower-case letters, digits, '-', '_'; 1-40 chars).
bool valid_extension_name(std::string_view name);

// Parses and validates the manifest `text` read from `path` (used in messages) in the folder
// named `folder_name`. Throws ConfigError "<path>: <field>: <what>" (with a line when the
// field is found in the text) naming the first problem, with a hint pointing at
// extensions/README.md.
ExtensionManifest parse_manifest(std::string_view text, const std::string& path,
                                 std::string_view folder_name);

// Whether the manifest supports `platform` (listed, and not a GPU extension off nvidia); when
// not, `why` says so in a few words.
bool supports_platform(const ExtensionManifest& manifest, Platform platform,
                       std::string* why = nullptr);

}  // namespace ollama_stack::stack

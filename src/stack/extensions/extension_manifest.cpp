#include "ollama_stack/stack/extensions/extension_manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/json_text.hpp"

namespace ollama_stack::stack {
namespace {

const char* const kHint = "see extensions/README.md for the manifest's fields";

// Throws the error of one field, with the line of the field (or of its parent) when found.
class FieldErrors {
 public:
  FieldErrors(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    std::optional<std::size_t> line;
    const auto dot = field.find('.');
    if (dot == std::string::npos) {
      line = util::line_of_member(text_, {field});
    } else {
      const std::string parent = field.substr(0, dot);
      const std::string child = field.substr(dot + 1);
      line = util::line_of_member(text_, {parent, child});
      if (!line) line = util::line_of_member(text_, {parent});
    }
    const std::string where = line ? fmt::format("{}:{}", path_, *line) : path_;
    throw ConfigError(fmt::format("{}: {}: {}", where, field, what), kHint);
  }

 private:
  std::string_view text_;
  const std::string& path_;
};

const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string required_string(const FieldErrors& errors, const nlohmann::json& object,
                            const std::string& field, const char* key) {
  const auto* value = member(object, key);
  if (!value) errors.fail(field, "missing (a string)");
  if (!value->is_string()) errors.fail(field, "must be a string");
  auto text = value->get<std::string>();
  if (text.empty()) errors.fail(field, "must not be empty");
  return text;
}

McpEndpoint parse_mcp(const FieldErrors& errors, const nlohmann::json& root) {
  const auto* mcp = member(root, "mcp");
  if (!mcp) errors.fail("mcp", "missing (an object with transport, service, port)");
  if (!mcp->is_object()) errors.fail("mcp", "must be an object with transport, service, port");
  McpEndpoint endpoint;
  const auto* transport = member(*mcp, "transport");
  if (!transport) errors.fail("mcp.transport", "missing (one of sse, streamable-http)");
  const std::string kind = transport->is_string() ? transport->get<std::string>() : std::string();
  if (kind == "sse")
    endpoint.transport = McpTransport::sse;
  else if (kind == "streamable-http")
    endpoint.transport = McpTransport::streamable_http;
  else if (kind == "stdio")
    errors.fail(
        "mcp.transport",
        "stdio is not supported: an extension's server must listen on the stack's network (sse or "
        "streamable-http); wrap a stdio server with an SSE bridge in its image");
  else
    errors.fail("mcp.transport",
                fmt::format("{} is not one of sse, streamable-http", transport->dump()));
  endpoint.service = required_string(errors, *mcp, "mcp.service", "service");
  const auto* port = member(*mcp, "port");
  if (!port) errors.fail("mcp.port", "missing (the container port the server listens on)");
  if (!port->is_number_integer() || port->get<int64_t>() < 1 || port->get<int64_t>() > 65535)
    errors.fail("mcp.port", fmt::format("{} is not a port (1-65535)", port->dump()));
  endpoint.port = port->get<int>();
  if (const auto* path = member(*mcp, "path")) {
    if (!path->is_string() || !path->get<std::string>().starts_with("/"))
      errors.fail("mcp.path", "must be a string starting with /");
    endpoint.path = path->get<std::string>();
  } else {
    endpoint.path = endpoint.transport == McpTransport::sse ? "/sse" : "/mcp";
  }
  return endpoint;
}

ExtensionRequirements parse_requirements(const FieldErrors& errors, const nlohmann::json& root) {
  ExtensionRequirements requirements;
  const auto* object = member(root, "requirements");
  if (!object) return requirements;
  if (!object->is_object())
    errors.fail("requirements", "must be an object (gpu, min_memory_mb, env)");
  if (const auto* gpu = member(*object, "gpu")) {
    if (!gpu->is_boolean()) errors.fail("requirements.gpu", "must be true or false");
    requirements.gpu = gpu->get<bool>();
  }
  if (const auto* memory = member(*object, "min_memory_mb")) {
    if (!memory->is_number_integer() || memory->get<int64_t>() < 0)
      errors.fail("requirements.min_memory_mb", "must be a whole number of megabytes");
    requirements.min_memory_mb = memory->get<int>();
  }
  if (const auto* env = member(*object, "env")) {
    if (!env->is_array()) errors.fail("requirements.env", "must be a list of variable names");
    for (const auto& name : *env) {
      if (!name.is_string() || name.get<std::string>().empty())
        errors.fail("requirements.env", "must be a list of variable names");
      requirements.env.push_back(name.get<std::string>());
    }
  }
  return requirements;
}

std::vector<Platform> parse_platforms(const FieldErrors& errors, const nlohmann::json& root) {
  const auto* list = member(root, "platforms");
  if (!list) return {Platform::cpu, Platform::nvidia, Platform::amd, Platform::apple};
  if (!list->is_array() || list->empty())
    errors.fail("platforms", "must be a non-empty list of cpu, nvidia, amd, apple");
  std::vector<Platform> platforms;
  for (const auto& item : *list) {
    const std::string text = item.is_string() ? item.get<std::string>() : item.dump();
    const auto& names = platform_choices();  // "auto" first: not a platform an extension names
    if (std::find(names.begin() + 1, names.end(), text) == names.end())
      errors.fail("platforms", fmt::format("{} is not one of cpu, nvidia, amd, apple", text));
    platforms.push_back(parse_platform(text).value());
  }
  return platforms;
}

}  // namespace

std::string to_string(McpTransport transport) {
  return transport == McpTransport::sse ? "sse" : "streamable-http";
}

bool valid_extension_name(std::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  };
  if (!ok(name[0]) || name[0] == '-' || name[0] == '_') return false;
  return std::all_of(name.begin(), name.end(), ok);
}

ExtensionManifest parse_manifest(std::string_view text, const std::string& path,
                                 std::string_view folder_name) {
  const FieldErrors errors(text, path);
  auto root = util::parse_json_text(text, path, kHint);
  if (!root.is_object()) throw ConfigError(fmt::format("{}: must hold a JSON object", path), kHint);
  if (const auto* schema = member(root, "schema_version")) {
    if (!schema->is_number_integer() || schema->get<int64_t>() < 1)
      errors.fail("schema_version", "must be a positive whole number");
    if (schema->get<int64_t>() > kManifestSchemaVersion)
      errors.fail(
          "schema_version",
          fmt::format("{} is newer than this ollama-stack understands ({}); upgrade ollama-stack",
                      schema->get<int64_t>(), kManifestSchemaVersion));
  }
  ExtensionManifest manifest;
  manifest.name = required_string(errors, root, "name", "name");
  if (!valid_extension_name(manifest.name))
    errors.fail(
        "name",
        fmt::format("\"{}\" is not a valid name (lower-case letters, digits, - and _; at most 40)",
                    manifest.name));
  if (manifest.name != folder_name)
    errors.fail("name", fmt::format("\"{}\" differs from the folder's name \"{}\"", manifest.name,
                                    folder_name));
  manifest.display_name = required_string(errors, root, "display_name", "display_name");
  manifest.description = required_string(errors, root, "description", "description");
  manifest.version = required_string(errors, root, "version", "version");
  manifest.mcp = parse_mcp(errors, root);
  manifest.requirements = parse_requirements(errors, root);
  manifest.platforms = parse_platforms(errors, root);
  if (manifest.requirements.gpu && std::find(manifest.platforms.begin(), manifest.platforms.end(),
                                             Platform::nvidia) == manifest.platforms.end())
    errors.fail("platforms", "must include nvidia when requirements.gpu is true");
  return manifest;
}

bool supports_platform(const ExtensionManifest& manifest, Platform platform, std::string* why) {
  if (std::find(manifest.platforms.begin(), manifest.platforms.end(), platform) ==
      manifest.platforms.end()) {
    if (why) *why = fmt::format("not made for the {} platform", to_string(platform));
    return false;
  }
  if (manifest.requirements.gpu && platform != Platform::nvidia) {
    if (why) *why = "needs an NVIDIA GPU";
    return false;
  }
  return true;
}

}  // namespace ollama_stack::stack

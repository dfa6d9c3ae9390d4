#pragma once
// The MCP proxy's config reaches it through the engine, never through a path of the client's
// disk (the engine may be on another machine): a volume of the core project (key `mcp_config`,
// mounted read-only at /app/mcp by the mcp_proxy service) holds config.json, written through the
// archive API of a never-started container (VolumeAccess). The file is replaced as a new inode
// in the mounted directory, so a running proxy sees it; the CLI restarts the proxy after a change.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

inline constexpr const char* kMcpConfigVolumeKey = "mcp_config";
inline constexpr const char* kMcpConfigFileName = "config.json";

struct McpVolumeTarget {
  std::string volume;                         // engine name: "<project>_mcp_config"
  std::map<std::string, std::string> labels;  // as compose::apply would label it
  std::string image;                          // the proxy's image, for the access container
  std::string installation;                   // the core project
};

// Where the project's proxy reads its config from; nullopt when its mcp_proxy service does not
// mount the `mcp_config` volume (a user's override replaced it: their mount stays as written).
// `extra_labels` are the installation labels apply adds (installation, component).
std::optional<McpVolumeTarget> mcp_volume_target(
    const compose::Project& project, const std::map<std::string, std::string>& extra_labels);

// A tar holding one regular file `member` (mode 0644) with `content`. Pure.
std::string single_file_tar(const std::string& member, const std::string& content);
// The content of the regular file `member` in `tar`; nullopt when absent. Throws Error on a
// damaged tar. Pure.
std::optional<std::string> file_from_tar(const std::string& tar, const std::string& member);

// Makes the volume hold `text` as config.json: creates the volume (labelled) when missing, pulls
// the proxy's image when it is not on the engine yet, reads the current file back and writes
// only when it differs. Returns whether it wrote.
bool push_mcp_config(engine::Client& client, const McpVolumeTarget& target, const std::string& text,
                     const ProgressCallback& progress = {});

}  // namespace ollama_stack::stack

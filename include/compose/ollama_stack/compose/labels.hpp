#pragma once
// Docker Compose's own label keys, on every resource apply creates (so `docker compose -p <project>
// ps` sees it). A caller's own labels come in through PlanOptions::extra_labels.
namespace ollama_stack::compose::labels {

inline constexpr const char* kProject = "com.docker.compose.project";
inline constexpr const char* kService = "com.docker.compose.service";
inline constexpr const char* kContainerNumber = "com.docker.compose.container-number";
inline constexpr const char* kOneoff = "com.docker.compose.oneoff";
inline constexpr const char* kConfigHash = "com.docker.compose.config-hash";
inline constexpr const char* kVersion = "com.docker.compose.version";
inline constexpr const char* kWorkingDir = "com.docker.compose.project.working_dir";
inline constexpr const char* kConfigFiles = "com.docker.compose.project.config_files";
inline constexpr const char* kDependsOn = "com.docker.compose.depends_on";
inline constexpr const char* kImage = "com.docker.compose.image";
inline constexpr const char* kNetwork = "com.docker.compose.network";
inline constexpr const char* kVolume = "com.docker.compose.volume";

// The compose version we write: what the labels' format follows.
inline constexpr const char* kComposeVersion = "2.20.0";

}  // namespace ollama_stack::compose::labels

// `build:` of a service, as far as the engine's /build endpoint (the classic builder) takes it.
#include <fmt/format.h>

#include "node_values.hpp"
#include "ollama_stack/compose/service_options.hpp"
#include "service_fields.hpp"

namespace ollama_stack::compose {

bool is_remote_context(std::string_view context) {
  return context.starts_with("http://") || context.starts_with("https://") ||
         context.starts_with("git://") || context.starts_with("git@") ||
         context.starts_with("github.com/");
}

namespace {

std::string context_path(const std::string& working_dir, const std::string& context) {
  return is_remote_context(context) ? context : absolute_path(working_dir, context);
}

}  // namespace

Build build_value(const Node& node, std::string_view path, const ConvertContext& context) {
  Build build;
  std::string context_dir = ".";
  if (node.is_scalar()) {
    build.context = context_path(context.working_dir, node.value);
    return build;
  }
  require_mapping(node, path);
  check_keys(node, path,
             {"context",
              "dockerfile",
              "dockerfile_inline",
              "args",
              "target",
              "network",
              "labels",
              "tags",
              "cache_from",
              "cache_to",
              "extra_hosts",
              "platforms",
              "isolation",
              "shm_size",
              "no_cache",
              "pull",
              "ulimits",
              "ssh",
              "secrets",
              "additional_contexts",
              "entitlements",
              "privileged",
              "provenance",
              "sbom"},
             true);
  const Node* dockerfile = nullptr;
  for (const auto& entry : node.entries) {
    if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
    const std::string at = join_path(path, entry.key);
    const Node& value = entry.value;
    const std::string& key = entry.key;
    if (key == "context") {
      context_dir = as_string(value, at);
    } else if (key == "dockerfile") {
      build.dockerfile = as_string(value, at);
      dockerfile = &value;
    } else if (key == "dockerfile_inline") {
      build.dockerfile_inline = as_string(value, at);
    } else if (key == "target") {
      build.target = as_string(value, at);
    } else if (key == "network") {
      build.network = as_string(value, at);
    } else if (key == "isolation") {
      build.isolation = as_string(value, at);
    } else if (key == "labels") {
      build.labels = as_string_map(value, at);
    } else if (key == "tags") {
      build.tags = as_string_list(value, at);
    } else if (key == "cache_from") {
      build.cache_from = as_string_list(value, at);
    } else if (key == "extra_hosts") {
      build.extra_hosts = extra_hosts_value(value, at);
    } else if (key == "shm_size") {
      build.shm_size_bytes = byte_size_value(value, at);
    } else if (key == "no_cache") {
      build.no_cache = as_bool(value, at);
    } else if (key == "pull") {
      build.pull = as_bool(value, at);
    } else if (key == "ulimits") {
      build.ulimits = ulimits_value(value, at);
    } else if (key == "platforms") {
      auto platforms = as_string_list(value, at);
      if (platforms.size() > 1) {
        context.warn(entry.key_location, at,
                     "only the first platform is built: a multi-platform build needs BuildKit "
                     "(docker buildx)");
      }
      if (!platforms.empty()) build.platform = platforms.front();
    } else if (key == "args") {
      for (auto& kv : as_key_values(value, at)) {
        // An argument without a value takes the caller's variable, like environment.
        std::optional<std::string> arg = kv.value;
        if (!arg && context.lookup) arg = context.lookup(kv.key);
        if (arg) build.args[kv.key] = *arg;
      }
    } else {
      // ssh, secrets, cache_to, additional_contexts, entitlements, privileged, provenance, sbom
      context.warn(
          entry.key_location, at,
          "ignored: it needs BuildKit, and ollama-stack builds with the engine's classic builder; "
          "build the image with `docker buildx build` if the Dockerfile relies on it");
    }
  }
  if (dockerfile != nullptr && !build.dockerfile_inline.empty()) {
    fail_at(*dockerfile, join_path(path, "dockerfile"),
            "dockerfile and dockerfile_inline cannot be used together", "keep one of them");
  }
  build.context = context_path(context.working_dir, context_dir);
  return build;
}

}  // namespace ollama_stack::compose

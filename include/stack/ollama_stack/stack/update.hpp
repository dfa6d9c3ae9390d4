#pragma once
// `update`: pull the newest images of the core services (and, through a hook, of enabled
// extensions), then — if the stack was running — recreate only the services whose image changed
// and wait for health. An image that fails to pull leaves its service as it was; the others
// still update.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

// One image an update looks at, and the services that run it.
struct UpdateTarget {
  std::string reference;
  std::vector<std::string> services;
  bool extension = false;
};

// Where extensions plug in: the images of the enabled extensions (extension_update_targets()).
// Changed extension images are applied again through start_enabled_extensions().
using ExtensionImageProvider = std::function<std::vector<UpdateTarget>(Session&)>;

struct UpdateOptions {
  bool core = true;        // the core services' images (--services, or neither flag)
  bool extensions = true;  // enabled extensions' images (--extensions, or neither flag)
  bool restart = true;     // false = --no-restart: pull only
  ExtensionImageProvider extension_images;  // empty = extensions not available in this build
  ProgressCallback progress;                // "image:<ref>" tasks with bytes, then services
  std::function<bool()> cancelled;
  std::chrono::seconds timeout{300};
  std::function<void(const compose::Project&)> preflight;
};

struct ImageUpdate {
  enum class Outcome { updated, unchanged, local, failed };
  std::string reference;
  std::vector<std::string> services;
  Outcome outcome = Outcome::unchanged;
  std::string old_id;  // what the service's container ran (or the local image before the pull)
  std::string new_id;  // what the reference names now
  std::string error;   // failed only
  bool changed() const { return outcome != Outcome::failed && !new_id.empty() && new_id != old_id; }
};

struct UpdateResult {
  std::vector<ImageUpdate> images;
  bool was_running = false;
  std::vector<std::string> recreated;  // services
  std::vector<std::string> warnings;
  bool any_failed() const;
};

const char* to_string(ImageUpdate::Outcome outcome);

// The images to look at, in reference order (pure: from the project and the enabled hooks).
std::vector<UpdateTarget> core_update_targets(const compose::Project& project);

// Throws Error(unhealthy) when a recreated service does not become healthy, Interrupted when
// cancelled. Pull failures do not throw: they are in the result (any_failed()).
UpdateResult update_stack(Session& session, const UpdateOptions& options);

}  // namespace ollama_stack::stack

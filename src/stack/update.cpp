#include "ollama_stack/stack/update.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::stack {
namespace {

using State = ProgressUpdate::State;

void pull_one(Session& session, ImageUpdate& update, const UpdateOptions& options) {
  auto& client = session.engine();
  const std::string task = "image:" + update.reference;
  auto report = [&](State state, const std::string& message, int64_t current = 0, int64_t total = 0) {
    if (options.progress) options.progress({task, update.reference, state, message, current, total});
  };
  // An image that never came from a registry (built, imported or tagged here) has nothing to pull;
  // what its tag names now is still compared with what runs.
  auto digests = client.image_repo_digests(update.reference);
  if (digests && digests->empty()) {
    update.outcome = ImageUpdate::Outcome::local;
    report(State::done, "local image, not pulled");
    return;
  }
  report(State::running, "pulling");
  std::map<std::string, std::pair<int64_t, int64_t>> layers;
  try {
    client.pull_image(
        update.reference,
        [&](const engine::ProgressEvent& event) {
          if (event.id.empty() || event.total <= 0) return;
          layers[event.id] = {event.current, event.total};
          int64_t current = 0, total = 0;
          for (const auto& [id, figures] : layers) current += figures.first, total += figures.second;
          report(State::running, "pulling", current, total);
        },
        options.cancelled);
    update.outcome = ImageUpdate::Outcome::updated;
    report(State::done, "pulled");
  } catch (const engine::EngineError& error) {
    if (error.kind() == engine::EngineError::Kind::cancelled) throw Interrupted();
    update.outcome = ImageUpdate::Outcome::failed;
    update.error = error.what();
    report(State::failed, error.what());
  }
}

}  // namespace

bool UpdateResult::any_failed() const {
  return std::any_of(images.begin(), images.end(),
                     [](const ImageUpdate& image) { return image.outcome == ImageUpdate::Outcome::failed; });
}

const char* to_string(ImageUpdate::Outcome outcome) {
  switch (outcome) {
    case ImageUpdate::Outcome::updated: return "updated";
    case ImageUpdate::Outcome::local: return "local";
    case ImageUpdate::Outcome::failed: return "failed";
    default: return "unchanged";
  }
}

std::vector<UpdateTarget> core_update_targets(const compose::Project& project) {
  std::map<std::string, UpdateTarget> by_reference;
  for (const auto& [name, service] : project.services) {
    if (service.build) continue;  // built here, not pulled
    auto& target = by_reference[service.image];
    target.reference = service.image;
    target.services.push_back(name);
  }
  std::vector<UpdateTarget> targets;
  for (auto& [reference, target] : by_reference) targets.push_back(std::move(target));
  return targets;
}

UpdateResult update_stack(Session& session, const UpdateOptions& options) {
  UpdateResult result;
  auto& client = session.engine();
  const auto& project = session.project().project;
  std::vector<UpdateTarget> targets;
  if (options.core) targets = core_update_targets(project);
  if (options.extensions) {
    if (options.extension_images) {
      for (auto& target : options.extension_images(session)) targets.push_back(std::move(target));
    } else if (!options.core) {
      result.warnings.push_back("extensions are not available in this build; there are no extension images to update");
    }
  }

  // What runs now: service -> container (image reference and id).
  std::map<std::string, engine::ContainerSummary> running;
  for (auto& container : client.list_containers(compose::project_filter(project.name), true))
    if (container.labels.count(labels::kService))
      running[container.labels.at(labels::kService)] = container;
  // Extensions' containers, keyed like their update targets: "<extension>/<service>".
  for (auto& container :
       client.list_containers(labels::installation_filter(project.name, kExtensionComponent), true))
    if (container.labels.count(kExtensionLabel) && container.labels.count(labels::kService))
      running[container.labels.at(kExtensionLabel) + "/" + container.labels.at(labels::kService)] = container;
  result.was_running = std::any_of(running.begin(), running.end(), [](const auto& item) { return item.second.state == "running"; });

  result.images.resize(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    auto& image = result.images[i];
    image.reference = targets[i].reference;
    image.services = targets[i].services;
    for (const auto& service : image.services)
      if (auto it = running.find(service); it != running.end() && image.old_id.empty()) image.old_id = it->second.image_id;
    if (image.old_id.empty())
      if (auto local = client.inspect_image(image.reference)) image.old_id = local->id;
  }
  {
    std::mutex interrupted_mutex;
    bool interrupted = false;
    util::parallel_for_each(result.images, [&](ImageUpdate& target) {
      try {
        pull_one(session, target, options);
      } catch (const Interrupted&) {
        std::lock_guard lock(interrupted_mutex);
        interrupted = true;
      } catch (const std::exception& error) {
        target.outcome = ImageUpdate::Outcome::failed;
        target.error = error.what();
      }
    });
    if (interrupted) throw Interrupted();
  }
  for (auto& image : result.images) {
    if (image.outcome == ImageUpdate::Outcome::failed) continue;
    if (auto now = client.inspect_image(image.reference)) image.new_id = now->id;
    if (image.outcome == ImageUpdate::Outcome::updated && !image.changed()) image.outcome = ImageUpdate::Outcome::unchanged;
  }

  const bool anything_changed = std::any_of(result.images.begin(), result.images.end(), [](const ImageUpdate& image) {
    return image.changed() && !image.services.empty();
  });
  if (!result.was_running || !options.restart || !anything_changed) return result;

  // Services whose pull failed keep the image reference their container runs, so apply leaves them.
  StartOptions start;
  for (const auto& image : result.images)
    if (image.outcome == ImageUpdate::Outcome::failed)
      for (const auto& service : image.services)
        if (auto it = running.find(service); it != running.end()) start.image_overrides[service] = it->second.image;
  start.timeout = options.timeout;
  start.progress = options.progress;
  start.cancelled = options.cancelled;
  start.preflight = options.preflight;
  auto started = start_stack(session, start);
  for (const auto& service : started.applied.services)
    if (service.action == compose::ServiceAction::recreate || service.action == compose::ServiceAction::create)
      result.recreated.push_back(service.service);

  // Extensions run as projects of their own beside the core: applying them again recreates the
  // services whose image changed (and rewires the proxy when a server was recreated).
  bool extension_changed = false;
  for (size_t i = 0; i < targets.size(); ++i) extension_changed |= targets[i].extension && result.images[i].changed();
  if (extension_changed) {
    ExtensionStartOptions again;
    again.timeout = options.timeout;
    again.progress = options.progress;
    again.cancelled = options.cancelled;
    auto report = start_enabled_extensions(session, again);
    for (const auto& extension : report.started)
      for (const auto& service : extension.applied.services)
        if (service.action == compose::ServiceAction::recreate || service.action == compose::ServiceAction::create)
          result.recreated.push_back(extension.name + "/" + service.service);
    for (auto& skipped : report.skipped) result.warnings.push_back(std::move(skipped));
  }
  return result;
}

}  // namespace ollama_stack::stack

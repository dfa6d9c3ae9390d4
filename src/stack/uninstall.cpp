#include "ollama_stack/stack/uninstall.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
namespace labels = compose::labels;
using State = ProgressUpdate::State;

engine::Filters installation_filter(const std::string& installation) {
  return {{"label", {std::string(labels::kInstallation) + "=" + installation}}};
}

std::map<std::string, int64_t> volume_sizes(engine::Client& client) {
  std::map<std::string, int64_t> sizes;
  try {
    auto df = client.system_df();
    for (const auto& volume : df.value("Volumes", nlohmann::json::array()))
      if (volume.contains("UsageData") && volume["UsageData"].is_object())
        sizes[volume.value("Name", "")] = volume["UsageData"].value("Size", int64_t{-1});
  } catch (const std::exception&) {
  }
  return sizes;
}

// Image references the installation uses: its containers' and its compose files' (when loadable).
std::set<std::string> candidate_images(Session& session, const UninstallPlan& plan) {
  std::set<std::string> references;
  for (const auto& container : plan.containers)
    if (!container.image.starts_with("sha256:")) references.insert(container.image);
  try {
    for (const auto& [name, service] : session.project().project.services) references.insert(service.image);
  } catch (const Error&) {
    // Without loadable compose files only the containers say which images are the installation's.
  }
  return references;
}

void decide_images(Session& session, UninstallPlan& plan) {
  auto& client = session.engine();
  std::set<std::string> ours;
  for (const auto& container : plan.containers) ours.insert(container.id);
  std::vector<engine::ContainerSummary> others;
  for (auto& container : client.list_containers({}, true))
    if (!ours.count(container.id)) others.push_back(std::move(container));
  for (const auto& reference : candidate_images(session, plan)) {
    auto image = client.inspect_image(reference);
    if (!image) continue;  // not on this machine
    const std::string why = image_kept_because(reference, *image, others);
    if (why.empty())
      plan.images.push_back({reference, image->id, image->size});
    else
      plan.kept_images.push_back({reference, why});
  }
}

void report(const UninstallOptions& options, const std::string& task, const std::string& label, State state,
            const std::string& message) {
  if (options.progress) options.progress({task, label, state, message, 0, 0});
}

}  // namespace

std::string image_kept_because(const std::string& reference, const engine::ImageInfo& image,
                               const std::vector<engine::ContainerSummary>& others) {
  for (const auto& other : others) {
    const auto installation = other.labels.find(labels::kInstallation);
    const std::string owner =
        installation != other.labels.end() ? "installation " + installation->second : "not an ollama-stack installation";
    // The same name: removing it would leave that container's service without its image.
    if (other.image == reference) return fmt::format("used by container {} ({})", other.name, owner);
    // Removing the last tag deletes the image itself: never while someone else's container runs it.
    if (image.repo_tags.size() <= 1 && other.image_id == image.id)
      return fmt::format("used by container {} ({})", other.name, owner);
  }
  return {};
}

int64_t UninstallPlan::volume_bytes() const {
  int64_t total = 0;
  for (const auto& volume : volumes) total += std::max<int64_t>(volume.size, 0);
  return total;
}

UninstallPlan plan_uninstall(Session& session, const UninstallOptions& options) {
  auto& client = session.engine();
  UninstallPlan plan;
  plan.installation = session.project_name();
  const auto filter = installation_filter(plan.installation);
  for (const auto& container : client.list_containers(filter, true))
    plan.containers.push_back({container.id, container.name, container.image, container.state});
  for (const auto& network : client.list_networks(filter)) plan.networks.push_back({network.id, network.name});
  if (options.remove_volumes) {
    const auto sizes = volume_sizes(client);
    for (const auto& volume : client.list_volumes(filter))
      plan.volumes.push_back({volume.name, sizes.count(volume.name) ? sizes.at(volume.name) : -1});
  }
  decide_images(session, plan);
  if (options.remove_config) {
    const auto& home = session.home();
    for (const auto& path : {home.env_file(), home.state_file(), home.mcp_dir(), home.compose_dir(), home.extensions_dir()})
      if (fs::exists(path)) plan.config.push_back(path);
  }
  return plan;
}

UninstallResult carry_out_uninstall(Session& session, const UninstallPlan& plan, const UninstallOptions& options) {
  auto& client = session.engine();
  UninstallResult result;
  auto attempt = [&](const std::string& task, const std::string& label, const std::function<void()>& step,
                     std::vector<std::string>& removed) {
    if (options.cancelled && options.cancelled())
      throw Interrupted(fmt::format("uninstall interrupted before it removed {}; what was removed before stays removed",
                                    label),
                        "run `ollama-stack uninstall` again to remove the rest");
    report(options, task, label, State::running, "removing");
    try {
      step();
      removed.push_back(label);
      report(options, task, label, State::done, "removed");
    } catch (const std::exception& error) {
      result.failures.push_back(fmt::format("{}: {}", label, error.what()));
      report(options, task, label, State::failed, error.what());
    }
  };
  // The stack's own containers stop gracefully first (dependency order, each service's grace
  // period), so a database is not killed mid-write; what is left is removed by force below.
  if (std::any_of(plan.containers.begin(), plan.containers.end(), [](const auto& c) { return c.state == "running"; })) {
    try {
      compose::DownOptions down;
      down.progress = options.progress;
      compose::down(client, plan.installation, down);
    } catch (const std::exception&) {
      // Removal by force below still takes the containers away.
    }
  }
  for (const auto& container : plan.containers)
    attempt("container:" + container.name, container.name,
            [&] {
              try {
                client.remove_container(container.id, true, false);
              } catch (const engine::EngineError& error) {
                if (error.kind() != engine::EngineError::Kind::not_found) throw;  // already gone with the stack
              }
            },
            result.removed_containers);
  for (const auto& network : plan.networks)
    attempt("network:" + network.name, network.name,
            [&] {
              try {
                client.remove_network(network.id);
              } catch (const engine::EngineError& error) {
                if (error.kind() != engine::EngineError::Kind::not_found) throw;
              }
            },
            result.removed_networks);
  for (const auto& volume : plan.volumes)
    attempt("volume:" + volume.name, volume.name, [&] { client.remove_volume(volume.name, false); }, result.removed_volumes);
  for (const auto& image : plan.images)
    attempt("image:" + image.reference, image.reference, [&] { client.remove_image(image.reference, false); },
            result.removed_images);
  for (const auto& path : plan.config)
    attempt("config:" + path.string(), path.string(), [&] { fs::remove_all(path); }, result.removed_config);
  if (!plan.config.empty()) remove_empty_home(session.home());
  return result;
}

void remove_empty_home(const HomeLayout& home) {
  std::error_code error;
  for (const auto& item : fs::directory_iterator(home.root, error))
    if (item.path() != home.lock_file()) return;  // something else lives here: keep the home
  if (error) return;
  // The lock file goes while it is held: FileLock's waiters notice that the file they locked is
  // gone and lock the one at the path instead (util/file_lock.hpp).
  fs::remove(home.lock_file(), error);
  fs::remove(home.root, error);
}

}  // namespace ollama_stack::stack

#include "ollama_stack/stack/uninstall.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/cleanup/cleanup.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

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
  const auto filter = labels::installation_filter(plan.installation);
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
  // Everything goes the way `cleanup` removes its leftovers, in this order.
  using Kind = CleanupItem::Kind;
  std::vector<CleanupItem> items;
  std::vector<std::vector<std::string>*> removed_lists;  // where each item is reported removed
  auto add = [&](Kind kind, const std::string& name, const std::string& id, std::vector<std::string>& removed) {
    items.push_back({kind, name, id, ""});
    removed_lists.push_back(&removed);
  };
  for (const auto& container : plan.containers) add(Kind::container, container.name, container.id, result.removed_containers);
  for (const auto& network : plan.networks) add(Kind::network, network.name, network.id, result.removed_networks);
  for (const auto& volume : plan.volumes) add(Kind::volume, volume.name, "", result.removed_volumes);
  for (const auto& image : plan.images) add(Kind::image, image.reference, "", result.removed_images);
  for (const auto& path : plan.config) add(Kind::config, path.string(), "", result.removed_config);
  RemovalOptions removal;
  removal.verb = "uninstall";
  removal.force_containers = true;
  removal.progress = options.progress;
  removal.cancelled = options.cancelled;
  const auto outcomes = remove_items(client, items, removal);
  for (size_t i = 0; i < items.size(); ++i) {
    if (outcomes[i].removed)
      removed_lists[i]->push_back(items[i].name);
    else
      result.failures.push_back(fmt::format("{}: {}", items[i].name, outcomes[i].error));
  }
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

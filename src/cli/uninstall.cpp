// `ollama-stack uninstall`: remove this installation's containers, networks, images (and on
// request volumes and config), after printing the list and asking.
#include "ollama_stack/stack/uninstall.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "confirm.hpp"
#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/stack/backends/backend_uninstall.hpp"
#include "ollama_stack/stack/uninstall_all.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct UninstallVerbOptions {
  bool remove_volumes = false;
  bool remove_config = false;
  bool all = false;
  bool force = false;
  bool dry_run = false;
  bool backup = false;
  int lock_timeout = 120;
  bool json = false;
};

std::string size_text(int64_t size) { return size < 0 ? "size unknown" : format_bytes(static_cast<uint64_t>(size)); }

void print_plan(Context& context, const stack::UninstallPlan& plan) {
  auto& out = context.out();
  out << fmt::format("Installation {}:\n", plan.installation);
  for (const auto& container : plan.containers) out << fmt::format("  container  {} ({})\n", container.name, container.state);
  for (const auto& network : plan.networks) out << fmt::format("  network    {}\n", network.name);
  for (const auto& image : plan.images) out << fmt::format("  image      {} ({})\n", image.reference, format_bytes(static_cast<uint64_t>(std::max<int64_t>(image.size, 0))));
  for (const auto& volume : plan.volumes) out << fmt::format("  volume     {} ({})\n", volume.name, size_text(volume.size));
  for (const auto& path : plan.config) out << fmt::format("  config     {}\n", path.string());
  for (const auto& kept : plan.kept_images) out << fmt::format("  kept image {}: {}\n", kept.reference, kept.why);
  if (plan.empty()) out << "  nothing to remove\n";
}

nlohmann::json plan_json(const stack::UninstallPlan& plan) {
  nlohmann::json containers = nlohmann::json::array(), networks = nlohmann::json::array(),
                 volumes = nlohmann::json::array(), images = nlohmann::json::array(),
                 kept = nlohmann::json::array(), config = nlohmann::json::array();
  for (const auto& c : plan.containers) containers.push_back({{"name", c.name}, {"id", c.id}, {"image", c.image}, {"state", c.state}});
  for (const auto& n : plan.networks) networks.push_back(n.name);
  for (const auto& v : plan.volumes) volumes.push_back({{"name", v.name}, {"size_bytes", v.size < 0 ? nlohmann::json() : nlohmann::json(v.size)}});
  for (const auto& i : plan.images) images.push_back({{"reference", i.reference}, {"id", i.id}, {"size_bytes", i.size}});
  for (const auto& k : plan.kept_images) kept.push_back({{"reference", k.reference}, {"why", k.why}});
  for (const auto& p : plan.config) config.push_back(p.string());
  return {{"installation", plan.installation}, {"containers", containers}, {"networks", networks}, {"volumes", volumes},
          {"images", images}, {"kept_images", kept}, {"config", config}};
}

// Two questions on a terminal (the second names the volumes and their sizes); none with --force.
void confirm_plan(Context& context, const stack::UninstallPlan& plan, const UninstallVerbOptions& options) {
  if (options.force) return;
  if (!can_ask(context))
    throw Error(ExitCode::usage,
                fmt::format("uninstall of {} needs a confirmation and there is no terminal to ask on", plan.installation),
                plan.volumes.empty() ? "pass --force to remove without asking"
                                     : "pass --force to remove without asking (volumes hold your models and chats)");
  if (!confirm(context, "Remove the resources listed above?")) throw Error(ExitCode::failed, "uninstall cancelled; nothing was removed");
  if (plan.volumes.empty()) return;
  std::string list;
  for (const auto& volume : plan.volumes) list += fmt::format("\n  {} ({})", volume.name, size_text(volume.size));
  auto answer = ask(context, fmt::format("This deletes the volumes and everything in them (models, chats):{}\n"
                                         "Type the installation name ({}) to delete them:",
                                         list, plan.installation));
  if (!answer || *answer != plan.installation)
    throw Error(ExitCode::failed, "uninstall cancelled: the volumes were not confirmed; nothing was removed",
                "run again without --remove-volumes to keep your data, or type the name exactly");
}

void write_result(Context& context, const stack::UninstallPlan& plan, const nlohmann::json& backup,
                  const stack::UninstallResult& result) {
  write_json(context.out(), with_schema_version({{"dry_run", false},
                                                 {"plan", plan_json(plan)},
                                                 {"backup", backup},
                                                 {"removed", {{"containers", result.removed_containers},
                                                              {"networks", result.removed_networks},
                                                              {"volumes", result.removed_volumes},
                                                              {"images", result.removed_images},
                                                              {"config", result.removed_config}}},
                                                 {"failures", result.failures}}));
  context.json = false;  // the one document is out; an error after it goes to stderr only
}

// The backends' part, on their own engines: listed like the core's; unreachable engines named.
nlohmann::json report_backends(Context& context, const std::vector<stack::BackendUninstall>& backends,
                               bool print) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& backend : backends) {
    list.push_back({{"name", backend.name},
                    {"engine", backend.engine},
                    {"plan", plan_json(backend.plan)},
                    {"removed", {{"containers", backend.result.removed_containers},
                                 {"networks", backend.result.removed_networks},
                                 {"volumes", backend.result.removed_volumes},
                                 {"images", backend.result.removed_images}}},
                    {"failures", backend.result.failures},
                    {"engine_unreachable", backend.unreachable.empty() ? nlohmann::json(nullptr)
                                                                       : nlohmann::json(backend.unreachable)}});
    if (!print) continue;
    context.out() << fmt::format("Backend {} on {}:\n", backend.name, backend.engine);
    if (!backend.unreachable.empty())
      context.out() << fmt::format("  engine unreachable, nothing removed there: {}\n", backend.unreachable);
    else
      print_plan(context, backend.plan);
  }
  return list;
}

void run_uninstall(Context& context, const UninstallVerbOptions& options) {
  context.json = options.json;
  auto session = context.session();
  stack::UninstallOptions uninstall;
  uninstall.remove_volumes = options.remove_volumes || options.all;
  uninstall.remove_config = options.remove_config || options.all;
  if (options.dry_run) {
    auto plan = stack::plan_uninstall(session, uninstall);
    const auto backends = stack::uninstall_backends(session, uninstall, /*dry_run=*/true);
    if (options.json)
      write_json(context.out(), with_schema_version({{"dry_run", true},
                                                     {"plan", plan_json(plan)},
                                                     {"backends", report_backends(context, backends, false)}}));
    else {
      print_plan(context, plan);
      report_backends(context, backends, true);
      context.out() << "Dry run: nothing was removed.\n";
    }
    return;
  }
  std::optional<ProgressSink> progress;
  stack::UninstallSteps steps;
  steps.lock = [&] { return lock_stack_for(context, session, "uninstall", options.lock_timeout); };
  steps.show = [&](const stack::UninstallPlan& plan,
                   const std::vector<stack::BackendUninstall>& backends) {
    if (options.json || (context.global.quiet && options.force)) return;
    print_plan(context, plan);
    report_backends(context, backends, true);
  };
  steps.want_backup = [&](const stack::UninstallPlan&) {
    return options.backup ||
           (!options.force && can_ask(context) &&
            confirm(context,
                    "Back up the volumes first (a compressed backup in the current directory)?"));
  };
  steps.confirm = [&](const stack::UninstallPlan& plan) { confirm_plan(context, plan, options); };
  steps.begin = [&] {
    progress.emplace(context, !options.json && !context.global.quiet);
    return progress->callback();
  };
  steps.backed_up = [&](const std::filesystem::path& path) {
    progress->note("Backup written and verified: " + path.string());
  };
  uninstall.cancelled = [] { return cancel_requested(); };
  const auto outcome = stack::uninstall_installation(session, uninstall, steps);
  const auto& plan = outcome.plan;
  const auto& backends = outcome.backends;
  const auto& result = outcome.result;
  if (outcome.nothing) {
    if (options.json) write_result(context, plan, nullptr, {});
    return;
  }
  progress->finish();
  const nlohmann::json backup_done =
      outcome.backup ? nlohmann::json(outcome.backup->string()) : nlohmann::json();
  if (options.json) {
    write_result(context, plan, backup_done, result);
  } else {
    context.out() << fmt::format("Removed {} containers, {} networks, {} volumes, {} images{}.\n",
                                 result.removed_containers.size(), result.removed_networks.size(),
                                 result.removed_volumes.size(), result.removed_images.size(),
                                 result.removed_config.empty() ? "" : " and the config");
    for (const auto& backend : backends)
      if (backend.unreachable.empty())
        context.out() << fmt::format("Backend {} on {}: removed {} containers, {} networks, {} volumes, {} images.\n",
                                     backend.name, backend.engine, backend.result.removed_containers.size(),
                                     backend.result.removed_networks.size(), backend.result.removed_volumes.size(),
                                     backend.result.removed_images.size());
    if (plan.volumes.empty() && !uninstall.remove_volumes) context.out() << "Volumes (models, chats) were kept; --remove-volumes deletes them.\n";
  }
  if (!result.failures.empty()) {
    std::string joined;
    for (const auto& failure : result.failures) joined += (joined.empty() ? "" : "; ") + failure;
    throw Error(ExitCode::failed, fmt::format("{} could not be removed: {}", result.failures.size() == 1 ? "one resource" : std::to_string(result.failures.size()) + " resources", joined),
                "the rest was removed; run `ollama-stack uninstall` again after fixing the cause");
  }
}

}  // namespace

void register_uninstall(CLI::App& app, Context& context) {
  auto options = std::make_shared<UninstallVerbOptions>();
  auto* command = app.add_subcommand("uninstall", "Remove this installation's containers, networks and images (volumes and config on request)");
  command->add_flag("--remove-volumes", options->remove_volumes, "Also delete the volumes (models, chats); asked separately");
  command->add_flag("--remove-config", options->remove_config, "Also delete the home's config (.env with the secret, state, MCP config)");
  command->add_flag("--all", options->all, "Same as --remove-volumes --remove-config");
  command->add_flag("--force", options->force, "Do not ask (needed without a terminal)");
  command->add_flag("--dry-run", options->dry_run, "Print what would be removed and change nothing");
  command->add_flag("--backup", options->backup, "Write a compressed backup with the volumes first");
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#uninstall)");
  command->callback([&context, options] { run_uninstall(context, *options); });
}

}  // namespace ollama_stack::cli

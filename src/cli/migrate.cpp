// `ollama-stack migrate`: bring an existing installation under this ollama-stack without losing
// data — the home's files upgraded from an older format (copies kept, checked afterwards), and
// with --from-volume SERVICE=VOLUME a hand-run stack's volume copied into the stack's (verified).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/stack/home/webui_secret.hpp"
#include "ollama_stack/stack/migrate/migrate_home.hpp"
#include "ollama_stack/stack/migrate/migrate_volume.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct MigrateVerbOptions {
  std::vector<std::string> from_volume;
  bool list_volumes = false;  // --from-volume given without a value
  bool dry_run = false;
  bool force = false;
  int lock_timeout = 120;
  bool json = false;
};

std::string size_text(int64_t bytes) {
  return bytes < 0 ? "size unknown" : format_bytes(static_cast<uint64_t>(bytes));
}

nlohmann::json nullable(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

nlohmann::json home_json(const stack::HomeMigration& migration) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto* file : {&migration.state, &migration.env})
    files.push_back({{"file", file->name},
                     {"path", file->path.string()},
                     {"exists", file->exists},
                     {"found", file->found},
                     {"current", file->current},
                     {"found_as", file->found_as},
                     {"due", file->due()},
                     {"changes", file->changes},
                     {"notes", file->notes}});
  return {{"path", migration.home.string()},
          {"due", migration.due()},
          {"migrated", migration.done},
          {"backup",
           migration.backup.empty() ? nlohmann::json() : nlohmann::json(migration.backup.string())},
          {"files", files}};
}

nlohmann::json volumes_json(const std::vector<stack::VolumeMigration>& plan, bool force) {
  nlohmann::json volumes = nlohmann::json::array();
  auto bytes = [](int64_t value) { return value < 0 ? nlohmann::json() : nlohmann::json(value); };
  for (const auto& item : plan)
    volumes.push_back({{"service", item.service},
                       {"source", item.source},
                       {"target", item.target},
                       {"source_bytes", bytes(item.source_bytes)},
                       {"target_exists", item.target_exists},
                       {"target_has_content", item.target_has_content},
                       {"target_bytes", bytes(item.target_bytes)},
                       {"source_running", item.source_running},
                       {"target_users", item.target_users},
                       {"refusal", nullable(item.refusal(force))},
                       {"copied", item.copied},
                       {"replaced", item.replaced},
                       {"files", item.files},
                       {"bytes", item.bytes}});
  return volumes;
}

void print_home(Context& context, const stack::HomeMigration& migration, bool dry_run) {
  auto& out = context.out();
  if (!migration.due()) {
    out << fmt::format(
        "Home {} is current (state schema {}, .env format {}): nothing to migrate.\n",
        migration.home.string(), migration.state.current, migration.env.current);
    return;
  }
  out << fmt::format("Home {}:\n", migration.home.string());
  for (const auto* file : {&migration.state, &migration.env}) {
    if (!file->due()) continue;
    out << fmt::format("  {}: {} -> {} {}\n", file->name, file->found_as,
                       file == &migration.state ? "schema" : "format", file->current);
    for (const auto& change : file->changes) out << "    - " << change << "\n";
  }
  for (const auto* file : {&migration.state, &migration.env})
    for (const auto& note : file->notes) out << "  note: " << note << "\n";
  if (dry_run) return;
  out << fmt::format("The old files were copied to {}.\n", migration.backup.string());
  out << "Checked: the state file loads and .env parses at the current format with a "
         "WEBUI_SECRET_KEY.\n";
}

void print_volumes(Context& context, const std::vector<stack::VolumeMigration>& plan, bool dry_run,
                   bool force) {
  auto& out = context.out();
  for (const auto& item : plan) {
    out << fmt::format("Volume {} -> {} (service {}): {}\n", item.source, item.target, item.service,
                       size_text(item.source_bytes));
    if (!item.target_exists)
      out << "  the stack's volume does not exist yet and is created\n";
    else if (item.target_has_content)
      out << fmt::format("  the stack's volume already holds data ({}){}\n",
                         size_text(item.target_bytes), force ? ": it is replaced" : "");
    else
      out << "  the stack's volume exists and is empty\n";
    if (dry_run) {
      if (auto why = item.refusal(force); !why.empty()) out << "  refused: " << why << "\n";
      continue;
    }
    out << fmt::format("  copied and verified {} files ({}); {} is kept as it was\n", item.files,
                       format_bytes(item.bytes), item.source);
  }
}

void list_candidates(Context& context, const MigrateVerbOptions& options) {
  auto session = context.session();
  const auto candidates = stack::volume_candidates(session);
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& candidate : candidates)
      list.push_back({{"volume", candidate.volume},
                      {"service", candidate.service},
                      {"why", candidate.why},
                      {"size_bytes",
                       candidate.bytes < 0 ? nlohmann::json() : nlohmann::json(candidate.bytes)}});
    write_json(context.out(), with_schema_version({{"candidates", list}}));
    return;
  }
  if (candidates.empty()) {
    context.out() << "No volume looks like Ollama's or Open WebUI's data (none is mounted at their "
                     "data paths or "
                     "named like upstream's examples).\n";
    return;
  }
  Table table({{"SERVICE"}, {"VOLUME"}, {"SIZE", Align::right}, {"WHY"}});
  for (const auto& candidate : candidates)
    table.add_row({candidate.service, candidate.volume, size_text(candidate.bytes), candidate.why});
  table.render(context.out(), context.caps_out());
  context.out() << fmt::format(
      "Copy one into the stack with: ollama-stack migrate --from-volume {}={}\n",
      candidates.front().service, candidates.front().volume);
}

void run_migrate(Context& context, const MigrateVerbOptions& options) {
  context.json = options.json;
  if (options.list_volumes) return list_candidates(context, options);
  std::vector<stack::VolumeRequest> requests;
  for (const auto& text : options.from_volume)
    requests.push_back(stack::parse_volume_request(text));

  const stack::HomeLayout home{context.home()};
  auto migration = stack::plan_home_migration(home, stack::generate_webui_secret);
  std::vector<stack::VolumeMigration> plan;
  std::optional<stack::Session> session;
  std::optional<util::FileLock> lock;
  if (!options.dry_run && (migration.due() || !requests.empty())) {
    session.emplace(context.session());
    lock.emplace(lock_stack_for(context, *session, "migrate", options.lock_timeout));
  }
  if (!options.dry_run && migration.due())
    migration =
        stack::migrate_home(home, stack::generate_webui_secret, std::chrono::system_clock::now());
  if (!requests.empty()) {
    // After the home's upgrade: the volumes' names come from its (new) .env.
    stack::Session volumes_session = context.session();
    plan = stack::plan_volume_migrations(volumes_session, requests);
    if (!options.dry_run) {
      ProgressSink progress(context, !options.json && !context.global.quiet);
      stack::VolumeMigrationOptions migrate;
      migrate.force = options.force;
      migrate.progress = progress.callback();
      migrate.cancelled = [] { return cancel_requested(); };
      try {
        stack::migrate_volumes(volumes_session, plan, migrate);
      } catch (...) {
        progress.finish();
        throw;
      }
      progress.finish();
    }
  }
  if (options.json) {
    write_json(context.out(),
               with_schema_version({{"dry_run", options.dry_run},
                                    {"home", home_json(migration)},
                                    {"volumes", volumes_json(plan, options.force)}}));
    return;
  }
  print_home(context, migration, options.dry_run);
  print_volumes(context, plan, options.dry_run, options.force);
  if (options.dry_run) context.out() << "Dry run: nothing was changed.\n";
}

}  // namespace

void register_migrate(CLI::App& app, Context& context) {
  auto options = std::make_shared<MigrateVerbOptions>();
  auto* command = app.add_subcommand("migrate",
                                     "Bring an existing installation under ollama-stack: upgrade "
                                     "the home's files, copy a volume in");
  auto* from =
      command
          ->add_option("--from-volume", options->from_volume,
                       "SERVICE=VOLUME: copy a volume's content into the stack's volume of SERVICE "
                       "(checksums "
                       "verified, the source kept); without a value, list candidate volumes")
          ->expected(0, 1)
          ->type_name("SERVICE=VOLUME");
  command->add_flag("--dry-run", options->dry_run,
                    "Show what would change (files, volume sizes) and change nothing");
  command->add_flag("--force", options->force,
                    "Replace a stack volume that already holds data; copy from a volume in use by "
                    "running containers");
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#migrate)");
  command->callback([&context, options, from] {
    // `--from-volume` without a value asks for the list of candidates; CLI11 stores an empty
    // string for an option given without its optional value.
    options->list_volumes =
        from->count() > 0 && std::all_of(options->from_volume.begin(), options->from_volume.end(),
                                         [](const std::string& value) { return value.empty(); });
    run_migrate(context, *options);
  });
}

}  // namespace ollama_stack::cli

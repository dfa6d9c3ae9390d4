#include "ollama_stack/stack/migrate/migrate_home.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "ollama_stack/stack/extensions/extension_catalog.hpp"
#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/migrate/migrate_steps.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/json_text.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kPrivateFile = S_IRUSR | S_IWUSR;
constexpr const char* kMigrateHint =
    "fix the file named above, then run `ollama-stack migrate` again";

std::string read_text(const fs::path& path) {
  try {
    return util::read_file(path);
  } catch (const Error& error) {
    throw ConfigError(error.what(), "check the file's permissions");
  }
}

FileMigration plan_state(const HomeLayout& home) {
  FileMigration file{".ollama-stack.json", home.state_file()};
  file.current = kStateSchemaVersion;
  file.found = kStateSchemaVersion;
  if (!fs::exists(file.path)) return file;
  file.exists = true;
  const std::string text = read_text(file.path);
  const auto json = util::parse_json_text(text, file.path.string(), kMigrateHint);
  file.found = state_schema_of(json);
  file.found_as = describe_state_schema(json);
  if (!file.due()) return file;
  auto upgrade = upgrade_state_json(json);
  file.changes = std::move(upgrade.changes);
  // Through the current reader and writer: what is written is exactly what a later load accepts.
  file.upgraded = to_json(state_from_json(upgrade.json, file.path.string())).dump(2) + "\n";
  const auto catalog = discover_extensions(home);
  for (const auto& name : upgrade.json.value("enabled_extensions", std::vector<std::string>{}))
    if (!catalog.find(name))
      file.notes.push_back(
          fmt::format("extension {} was enabled by the old tool and is not installed here; "
                      "`ollama-stack extensions list` shows what is, and `extensions disable {}` "
                      "forgets it",
                      name, name));
  return file;
}

FileMigration plan_env(const HomeLayout& home, const std::function<std::string()>& new_secret) {
  FileMigration file{".env", home.env_file()};
  file.current = kEnvFormatVersion;
  file.found = kEnvFormatVersion;
  if (!fs::exists(file.path)) return file;
  file.exists = true;
  const std::string text = read_text(file.path);
  compose::parse_dotenv(text, file.path.string());  // names the line of a syntax error
  file.found = env_format_of(text);
  file.found_as = fmt::format(".env format {}", file.found);
  if (!file.due()) return file;
  auto upgrade = upgrade_env_text(text, new_secret);
  file.upgraded = std::move(upgrade.text);
  file.changes = std::move(upgrade.changes);
  file.notes = std::move(upgrade.notes);
  return file;
}

// Reads back what was written; the reason it is not right, or "" when it is.
std::string check_written(const HomeLayout& home) {
  try {
    const auto state = load_state(home.state_file());
    if (state.schema_version != kStateSchemaVersion)
      return fmt::format("{} has schema {}", home.state_file().string(), state.schema_version);
    if (fs::exists(home.env_file())) {
      const auto env = read_env_file(home.env_file());
      const int format = env_format_of(util::read_file(home.env_file()));
      if (format != kEnvFormatVersion)
        return fmt::format("{} has format {}", home.env_file().string(), format);
      const auto secret = env.get(kSecretKeyVariable);
      if (!secret || secret->empty())
        return fmt::format("{} has no {}", home.env_file().string(), kSecretKeyVariable);
    }
  } catch (const Error& error) {
    return error.what();
  }
  return {};
}

void put_back(const FileMigration& file, const fs::path& backup) {
  if (!file.exists) return;
  util::write_file_atomic(file.path, util::read_file(backup / file.name), {.mode = kPrivateFile});
}

}  // namespace

HomeMigration plan_home_migration(const HomeLayout& home,
                                  const std::function<std::string()>& new_secret) {
  HomeMigration plan;
  plan.home = home.root;
  plan.state = plan_state(home);
  plan.env = plan_env(home, new_secret);
  return plan;
}

HomeMigration migrate_home(const HomeLayout& home, const std::function<std::string()>& new_secret,
                           std::chrono::system_clock::time_point now) {
  auto migration = plan_home_migration(home, new_secret);
  if (!migration.due()) return migration;

  // The old files first, both of them: they belong together.
  migration.backup = home.root / ("migrate-backup-" + util::format_compact_utc(now));
  std::error_code error;
  if (!fs::create_directory(migration.backup, error) || error)
    throw Error(ExitCode::failed,
                fmt::format("cannot create {}: {}", migration.backup.string(),
                            error ? error.message() : "it already exists"),
                "nothing was changed; run `ollama-stack migrate` again in a moment");
  fs::permissions(migration.backup, fs::perms::owner_all, error);
  for (const auto* file : {&migration.state, &migration.env})
    if (file->exists)
      util::write_file_atomic(migration.backup / file->name, util::read_file(file->path),
                              {.mode = kPrivateFile});

  try {
    if (migration.state.due())
      util::write_file_atomic(migration.state.path, migration.state.upgraded, {.mode = 0644});
    if (migration.env.due())
      util::write_file_atomic(migration.env.path, migration.env.upgraded, {.mode = kPrivateFile});
  } catch (const Error& failure) {
    put_back(migration.state, migration.backup);
    put_back(migration.env, migration.backup);
    throw Error(ExitCode::failed,
                fmt::format("migration failed: {}; the old files were put back", failure.what()),
                fmt::format("copies of them are in {}", migration.backup.string()));
  }
  if (const auto problem = check_written(home); !problem.empty()) {
    put_back(migration.state, migration.backup);
    put_back(migration.env, migration.backup);
    throw Error(
        ExitCode::failed,
        fmt::format("the migrated files did not pass their check ({}); the old files were put back",
                    problem),
        fmt::format("copies of them are in {}; please report this as a bug",
                    migration.backup.string()));
  }
  migration.done = true;
  return migration;
}

CheckResult check_home_migration(const HomeLayout& home) {
  CheckResult result{"migration", "home format", CheckStatus::pass, "", ""};
  try {
    const auto plan = plan_home_migration(home, [] { return std::string("unused"); });
    std::vector<std::string> due;
    for (const auto* file : {&plan.state, &plan.env})
      if (file->due())
        due.push_back(fmt::format("{} {} -> {}", file->name, file->found, file->current));
    if (due.empty()) {
      result.message = fmt::format("state schema {}, .env format {} (current)", kStateSchemaVersion,
                                   kEnvFormatVersion);
      return result;
    }
    std::string list;
    for (const auto& item : due) list += (list.empty() ? "" : ", ") + item;
    result.status = plan.state.due() ? CheckStatus::fail : CheckStatus::warn;
    result.message =
        fmt::format("a migration is due: {}{}", list,
                    plan.state.due() ? fmt::format(" (written by {})", plan.state.found_as) : "");
    result.fix =
        "run `ollama-stack migrate` (--dry-run shows what changes; copies of the old files are "
        "kept)";
  } catch (const Error& error) {
    result.status = CheckStatus::skip;
    result.message = fmt::format("skipped: {}", error.what());
  }
  return result;
}

}  // namespace ollama_stack::stack

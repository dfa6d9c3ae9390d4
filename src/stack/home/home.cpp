#include "ollama_stack/stack/home/home.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/home/webui_secret.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

constexpr mode_t kPrivateDir = S_IRWXU;
constexpr mode_t kPrivateFile = S_IRUSR | S_IWUSR;

void ensure_directory(const std::filesystem::path& dir, EnsureHomeResult& result) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) {
      throw Error(ExitCode::failed, fmt::format("{} exists but is not a directory", dir.string()),
                  "move it out of the way and run `ollama-stack install` again");
    }
    return;
  }
  std::error_code error;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), error);
  if (::mkdir(dir.c_str(), kPrivateDir) != 0 && errno != EEXIST) {
    throw Error(ExitCode::failed,
                fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)));
  }
  ::chmod(dir.c_str(), kPrivateDir);  // the umask may have narrowed it; never wider than 0700
  result.created.push_back(dir);
}

void ensure_env_file(const HomeLayout& home, bool force, EnsureHomeResult& result) {
  const auto path = home.env_file();
  if (!std::filesystem::exists(path)) {
    util::write_file_atomic(path, default_env_text(generate_webui_secret()),
                            {.mode = kPrivateFile});
    result.created.push_back(path);
    result.secret_generated = true;
    return;
  }
  EnvFile existing = read_env_file(path);  // ConfigError when it does not parse
  auto secret = existing.get(kSecretKeyVariable);
  if (force) {
    bool keep = secret && !secret->empty();
    util::write_file_atomic(path, default_env_text(keep ? *secret : generate_webui_secret()),
                            {.mode = kPrivateFile});
    result.replaced.push_back(path);
    result.secret_generated = !keep;
    return;
  }
  result.kept.push_back(path);
  result.secret_generated = ensure_webui_secret(path).generated;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    result.warnings.push_back(fmt::format(
        "{} holds WEBUI_SECRET_KEY and is readable by other users (mode {:04o}); run: chmod 600 {}",
        path.string(), info.st_mode & 07777, path.string()));
  }
}

void ensure_mcp_config(const HomeLayout& home, bool force, EnsureHomeResult& result) {
  const auto path = home.mcp_config();
  bool existed = std::filesystem::exists(path);
  if (existed && !force) {
    result.kept.push_back(path);
    return;
  }
  // --force is the user asking for the default file back, so a corrupt one is replaced too.
  const std::string text = mcp_config_text(mcp_config_document(default_mcp_servers()));
  const bool wrote = util::read_file_if_exists(path) != text;
  if (wrote) util::write_file_atomic(path, text, {.mode = 0644});
  if (!existed) {
    result.created.push_back(path);
  } else if (wrote) {
    result.replaced.push_back(path);
  } else {
    result.kept.push_back(path);
  }
}

void ensure_state_file(const HomeLayout& home, bool force, EnsureHomeResult& result) {
  const auto path = home.state_file();
  if (!std::filesystem::exists(path)) {
    save_state(path, StackState{});
    result.created.push_back(path);
    return;
  }
  if (!force) {
    result.kept.push_back(path);
    return;
  }
  // Force keeps good state (it is memory, not configuration) and replaces a corrupt file only
  // once its content is safe in a copy.
  try {
    load_state(path);
    result.kept.push_back(path);
  } catch (const StateFileError& error) {
    if (!error.kept_copy()) throw;
    save_state(path, StackState{});
    result.replaced.push_back(path);
    result.warnings.push_back(
        fmt::format("{} was not valid and was reset; the old content is in {}", path.string(),
                    error.kept_copy()->string()));
  }
}

}  // namespace

EnsureHomeResult ensure_home(const std::filesystem::path& home, const EnsureHomeOptions& options) {
  HomeLayout layout{home};
  EnsureHomeResult result;
  ensure_directory(layout.root, result);
  ensure_directory(layout.mcp_dir(), result);
  ensure_directory(layout.extensions_dir(), result);
  ensure_directory(layout.compose_dir(), result);
  ensure_env_file(layout, options.force, result);
  ensure_mcp_config(layout, options.force, result);
  ensure_state_file(layout, options.force, result);
  return result;
}

}  // namespace ollama_stack::stack

#include "ollama_stack/compose/build_context.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "ollama_stack/util/error.hpp"
#include "tar_buffer.hpp"

namespace ollama_stack::compose {
namespace {

namespace fs = std::filesystem;

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

// fnmatch with "**" spanning directories: "**/" may match nothing or any directories.
bool matches(std::string_view pattern, std::string_view path) {
  auto star = pattern.find("**");
  if (star == std::string_view::npos)
    return fnmatch(std::string(pattern).c_str(), std::string(path).c_str(), FNM_PATHNAME) == 0;
  std::string_view head = pattern.substr(0, star);
  std::string_view tail = pattern.substr(star + 2);
  if (!tail.empty() && tail.front() == '/') tail.remove_prefix(1);
  for (size_t split = 0; split <= path.size(); ++split) {
    if (split != 0 && split != path.size() && path[split - 1] != '/') continue;
    std::string_view before = path.substr(0, split), after = path.substr(split);
    std::string head_pattern(head);
    if (!head_pattern.empty() && head_pattern.back() == '/') head_pattern.pop_back();
    if (!before.empty() && before.back() == '/') before.remove_suffix(1);
    const bool head_ok = head_pattern.empty() ? true : matches(head_pattern, before);
    if (!head_ok) continue;
    if (tail.empty()) return true;
    for (size_t start = 0; start <= after.size(); ++start) {
      if (start != 0 && after[start - 1] != '/') continue;
      if (matches(tail, after.substr(start))) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> parse_dockerignore(std::string_view text) {
  std::vector<std::string> patterns;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    std::string pattern = trim(line);
    if (pattern.empty() || pattern.front() == '#') continue;
    bool negate = pattern.front() == '!';
    if (negate) pattern = trim(pattern.substr(1));
    while (pattern.starts_with("./")) pattern.erase(0, 2);
    while (pattern.starts_with('/')) pattern.erase(0, 1);
    while (pattern.size() > 1 && pattern.back() == '/') pattern.pop_back();
    if (pattern.empty()) continue;
    patterns.push_back(negate ? "!" + pattern : pattern);
  }
  return patterns;
}

bool dockerignore_excludes(const std::vector<std::string>& patterns, std::string_view relative_path) {
  bool excluded = false;
  for (const auto& entry : patterns) {
    const bool negate = entry.front() == '!';
    std::string_view pattern = negate ? std::string_view(entry).substr(1) : std::string_view(entry);
    // A pattern that matches a parent directory covers everything below it.
    bool hit = false;
    for (size_t i = 1; i <= relative_path.size() && !hit; ++i)
      if (i == relative_path.size() || relative_path[i] == '/') hit = matches(pattern, relative_path.substr(0, i));
    if (hit) excluded = !negate;
  }
  return excluded;
}

std::string make_build_context(const std::string& directory, const std::string& dockerfile,
                               const std::string& dockerfile_inline) {
  std::error_code error;
  if (!fs::is_directory(directory, error))
    throw Error(ExitCode::bad_config, fmt::format("build context {} is not a directory", directory),
                "fix `build.context` in the compose file");
  std::vector<std::string> patterns;
  if (std::ifstream ignore(fs::path(directory) / ".dockerignore"); ignore) {
    std::stringstream text;
    text << ignore.rdbuf();
    patterns = parse_dockerignore(text.str());
  }
  const std::string dockerfile_name = !dockerfile_inline.empty() ? kInlineDockerfile
                                      : dockerfile.empty()       ? "Dockerfile"
                                                                 : dockerfile;

  TarBuffer tar;
  archive* writer = tar.get();

  for (auto it = fs::recursive_directory_iterator(directory, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    const fs::path path = it->path();
    const std::string relative = fs::relative(path, directory).generic_string();
    const bool always = relative == dockerfile_name || relative == ".dockerignore";
    if (!always && dockerignore_excludes(patterns, relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) continue;
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), relative.c_str());
    archive_entry_copy_stat(entry.get(), &info);
    if (S_ISLNK(info.st_mode)) {
      archive_entry_set_symlink(entry.get(), fs::read_symlink(path, error).c_str());
    }
    archive_write_header(writer, entry.get());
    if (S_ISREG(info.st_mode)) {
      std::ifstream file(path, std::ios::binary);
      char buffer[65536];
      while (file.read(buffer, sizeof buffer) || file.gcount() > 0)
        archive_write_data(writer, buffer, static_cast<size_t>(file.gcount()));
    }
  }
  if (error)
    throw Error(ExitCode::failed, fmt::format("reading build context {} failed: {}", directory, error.message()));
  // build.dockerfile_inline travels inside the context, as the Docker CLI sends a Dockerfile
  // read from stdin.
  if (!dockerfile_inline.empty()) tar.add_file(kInlineDockerfile, dockerfile_inline, 0644);
  return tar.finish();
}

}  // namespace ollama_stack::compose

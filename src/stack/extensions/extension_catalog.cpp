#include "ollama_stack/stack/extensions/extension_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "extensions/embedded_extensions.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

void add(ExtensionCatalog& catalog, const std::string& folder, const std::string& manifest_path,
         const std::optional<std::string>& text, Extension extension) {
  extension.manifest_path = manifest_path;
  if (!text) {
    catalog.invalid.push_back(
        {folder, manifest_path, fmt::format("{}: missing", manifest_path),
         "every extension folder needs a mcp-config.json; see extensions/README.md"});
    return;
  }
  try {
    extension.manifest = parse_manifest(*text, manifest_path, folder);
    catalog.extensions.push_back(std::move(extension));
  } catch (const ConfigError& error) {
    catalog.invalid.push_back({folder, manifest_path, error.what(), error.hint()});
  }
}

void read_builtin(ExtensionCatalog& catalog, std::span<const compose::EmbeddedFile> builtin) {
  std::map<std::string, std::map<std::string, std::string>> folders;
  for (const auto& file : builtin) {
    const std::string path(file.name);
    const auto slash = path.find('/');
    if (slash == std::string::npos) continue;  // extensions/README.md and the like
    folders[path.substr(0, slash)][path.substr(slash + 1)] = std::string(file.content);
  }
  for (auto& [folder, files] : folders) {
    Extension extension;
    extension.origin = ExtensionOrigin::builtin;
    std::optional<std::string> text;
    if (auto it = files.find(std::string(kManifestFile)); it != files.end()) text = it->second;
    extension.files = std::move(files);
    add(catalog, folder, fmt::format("embedded:extensions/{}/{}", folder, kManifestFile), text,
        std::move(extension));
  }
}

void read_user(ExtensionCatalog& catalog, const HomeLayout& home) {
  std::error_code error;
  if (!fs::is_directory(home.extensions_dir(), error)) return;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(home.extensions_dir(), error))
    if (entry.is_directory(error) && !entry.path().filename().string().starts_with("."))
      folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    const std::string name = folder.filename().string();
    // A user folder replaces a built-in one of the same name, valid or not.
    const bool had_builtin =
        std::erase_if(catalog.extensions,
                      [&](const Extension& e) { return e.manifest.name == name; }) > 0 ||
        std::erase_if(catalog.invalid, [&](const InvalidExtension& e) { return e.name == name; }) >
            0;
    Extension extension;
    extension.origin = ExtensionOrigin::user;
    extension.overrides_builtin = had_builtin;
    extension.dir = fs::absolute(folder).lexically_normal();
    const fs::path manifest = extension.dir / std::string(kManifestFile);
    std::optional<std::string> text;
    try {
      text = util::read_file_if_exists(manifest);
    } catch (const Error& read_error) {
      catalog.invalid.push_back(
          {name, manifest.string(), read_error.what(), "check the file's permissions"});
      continue;
    }
    add(catalog, name, manifest.string(), text, std::move(extension));
  }
}

}  // namespace

std::string Extension::origin_text() const {
  if (origin == ExtensionOrigin::builtin) return "built-in";
  return overrides_builtin ? "user (overrides the built-in one)" : "user";
}

std::optional<std::string> Extension::file(const std::string& relative) const {
  if (origin == ExtensionOrigin::builtin) {
    auto it = files.find(relative);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  return util::read_file_if_exists(dir / relative);
}

const Extension* ExtensionCatalog::find(const std::string& name) const {
  for (const auto& extension : extensions)
    if (extension.manifest.name == name) return &extension;
  return nullptr;
}

const InvalidExtension* ExtensionCatalog::find_invalid(const std::string& name) const {
  for (const auto& extension : invalid)
    if (extension.name == name) return &extension;
  return nullptr;
}

ExtensionCatalog discover_extensions(const HomeLayout& home,
                                     std::span<const compose::EmbeddedFile> builtin) {
  ExtensionCatalog catalog;
  read_builtin(catalog, builtin);
  read_user(catalog, home);
  std::sort(
      catalog.extensions.begin(), catalog.extensions.end(),
      [](const Extension& a, const Extension& b) { return a.manifest.name < b.manifest.name; });
  std::sort(catalog.invalid.begin(), catalog.invalid.end(),
            [](const InvalidExtension& a, const InvalidExtension& b) { return a.name < b.name; });
  return catalog;
}

ExtensionCatalog discover_extensions(const HomeLayout& home) {
  return discover_extensions(home, embedded_extension_files());
}

const Extension& require_extension(const ExtensionCatalog& catalog, const std::string& name) {
  if (const auto* extension = catalog.find(name)) return *extension;
  if (const auto* invalid = catalog.find_invalid(name))
    throw ConfigError(invalid->error, invalid->hint);
  std::string known;
  for (const auto& extension : catalog.extensions)
    known += (known.empty() ? "" : ", ") + extension.manifest.name;
  throw Error(
      ExitCode::usage, fmt::format("there is no extension named \"{}\"", name),
      known.empty()
          ? "no extension is installed; see `ollama-stack extensions list`"
          : fmt::format("known extensions: {} (see `ollama-stack extensions list`)", known));
}

}  // namespace ollama_stack::stack

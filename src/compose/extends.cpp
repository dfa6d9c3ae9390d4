// `extends`: a service built on another one (compose-go loader/extends.go): the base service
// (itself extended first) is the starting point and the service's own keys are merged over it
// with the merge rules of override files.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "node_values.hpp"
#include "ollama_stack/compose/expand.hpp"
#include "ollama_stack/compose/merge.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

struct Reference {
  std::string service;
  std::string file;  // "" = the same file
  Location where;
};

Reference reference_of(const Node& extends, const std::string& path) {
  Reference ref;
  ref.where = extends.location;
  if (extends.is_scalar()) {
    ref.service = extends.value;
  } else {
    require_mapping(extends, path);
    check_keys(extends, path, {"service", "file"});
    const Node* service = extends.find("service");
    if (service == nullptr || service->is_null())
      fail_at(extends, path, "needs the service to extend (service: NAME)");
    ref.service = as_string(*service, join_path(path, "service"));
    if (const Node* file = extends.find("file"); file && !file->is_null())
      ref.file = as_string(*file, join_path(path, "file"));
  }
  if (ref.service.empty()) fail_at(extends, path, "names no service");
  return ref;
}

class Extender {
 public:
  explicit Extender(const ExpandContext& context) : context_(context) {}

  // The service `name` of `services` (a file's services mapping) with its extends resolved;
  // `file` and `dir` say where that mapping comes from.
  Node resolve(const Node& services, const std::string& name, const std::string& file,
               const std::string& dir, std::vector<std::string>& chain) {
    const std::string key = file + "#" + name;
    if (auto done = resolved_.find(key); done != resolved_.end()) return done->second;
    const Node* service = services.find(name);
    if (service == nullptr) throw std::logic_error("extends: unknown service");
    const Node* extends = service->is_mapping() ? service->find("extends") : nullptr;
    if (extends == nullptr || extends->is_null()) return *service;

    const std::string path = join_path(join_path("services", name), "extends");
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
      std::string cycle;
      for (const auto& item : chain) cycle += item.substr(item.find('#') + 1) + " -> ";
      fail_at(*extends, path,
              fmt::format("services extend each other in a cycle: {}{}", cycle, name),
              "remove one of the extends");
    }
    chain.push_back(key);
    const Reference ref = reference_of(*extends, path);
    Node base;
    if (ref.file.empty()) {
      if (services.find(ref.service) == nullptr)
        fail_at(*extends, path,
                fmt::format("service \"{}\" is not defined in {}", ref.service, file));
      base = resolve(services, ref.service, file, dir, chain);
    } else {
      const std::string other = absolute_path(dir, ref.file);
      const Node& document = load(other, ref.where);
      const Node* other_services = document.find("services");
      if (other_services == nullptr || !other_services->is_mapping() ||
          other_services->find(ref.service) == nullptr)
        fail_at(*extends, path,
                fmt::format("service \"{}\" is not defined in {}", ref.service, other));
      const std::string other_dir = std::filesystem::path(other).parent_path().string();
      base = resolve(*other_services, ref.service, other, other_dir, chain);
      // The base's relative paths belong to its own file's directory.
      resolve_service_paths(base, other_dir);
    }
    chain.pop_back();

    base.erase("extends");
    Node own = *service;
    own.erase("extends");
    normalize_service(base);
    normalize_service(own);
    merge_into(base, own, "services.*");
    base.location = service->location;
    resolved_[key] = base;
    return base;
  }

 private:
  const Node& load(const std::string& path, const Location& referenced_at) {
    auto found = files_.find(path);
    if (found == files_.end())
      found =
          files_.emplace(path, read_document(path, context_.lookup, context_, referenced_at)).first;
    return found->second;
  }

  const ExpandContext& context_;
  std::map<std::string, Node> files_;     // other files read for extends
  std::map<std::string, Node> resolved_;  // "file#service" -> resolved service
};

}  // namespace

void apply_extends(Node& document, const ExpandContext& context) {
  Node* services = document.is_mapping() ? document.find("services") : nullptr;
  if (services == nullptr || !services->is_mapping()) return;
  const std::string file = document.location.file;
  Extender extender(context);
  Node resolved_services = *services;
  for (auto& entry : resolved_services.entries) {
    const Node* extends = entry.value.is_mapping() ? entry.value.find("extends") : nullptr;
    if (extends == nullptr || extends->is_null()) continue;
    std::vector<std::string> chain;
    Node resolved = extender.resolve(*services, entry.key, file, context.working_dir, chain);
    resolved.tag = entry.value.tag;
    entry.value = std::move(resolved);
  }
  *services = std::move(resolved_services);
}

}  // namespace ollama_stack::compose

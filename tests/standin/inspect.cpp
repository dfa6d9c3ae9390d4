// `standin inspect [PATH...]`: what a container looks like from inside, as one JSON object on
// stdout, for end-to-end tests of compose keys (the images have no shell). Run it with the
// engine's exec: it joins the container's namespaces, and reads the container's main process
// (PID 1) for what exec does not inherit (supplementary groups, the init process).
//
//   {"pid1": "/sbin/docker-init -- /standin ...", "groups": [0, 4242],
//    "namespaces": {"ipc": "ipc:[4026532...]", "net": ..., "pid": ..., "uts": ...},
//    "hostname": "...", "mounts": [{"target": "/scratch", "type": "tmpfs", "options": "rw,..."}],
//    "files": {"/run/secrets/x": {"exists": true, "mode": "0444", "uid": 0, "gid": 0, "content":
//    "..."}}}
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <iostream>
#include <sstream>

#include "standin.hpp"

namespace standin {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string link_target(const std::string& path) {
  char buffer[PATH_MAX];
  const ssize_t length = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
  return length < 0 ? std::string() : std::string(buffer, static_cast<std::size_t>(length));
}

// /proc/1/cmdline: NUL-separated arguments, joined with spaces.
std::string pid1_command() {
  std::string text = read_all("/proc/1/cmdline");
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (auto& c : text)
    if (c == '\0') c = ' ';
  return text;
}

json pid1_groups() {
  json groups = json::array();
  std::istringstream status(read_all("/proc/1/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Groups:", 0) != 0) continue;
    std::istringstream ids(line.substr(7));
    for (long id; ids >> id;) groups.push_back(id);
  }
  return groups;
}

// /proc/1/mountinfo: "id parent major:minor root target options - type source super-options".
json mounts() {
  json out = json::array();
  std::istringstream info(read_all("/proc/1/mountinfo"));
  for (std::string line; std::getline(info, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, target, options, field;
    fields >> id >> parent >> device >> root >> target >> options;
    while (fields >> field && field != "-") {
    }
    std::string type, source, super_options;
    fields >> type >> source >> super_options;
    out.push_back({{"target", target}, {"type", type}, {"options", options + "," + super_options}});
  }
  return out;
}

json file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {{"exists", false}};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", info.st_mode & 07777);
  return {{"exists", true},
          {"mode", mode},
          {"uid", info.st_uid},
          {"gid", info.st_gid},
          {"content", read_all(path)}};
}

}  // namespace

int inspect_self(const std::vector<std::string>& args) {
  json namespaces = json::object();
  for (const char* kind : {"ipc", "net", "pid", "uts"})
    namespaces[kind] = link_target(std::string("/proc/1/ns/") + kind);
  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);
  json files = json::object();
  for (std::size_t i = 1; i < args.size(); ++i) files[args[i]] = file(args[i]);
  json out{{"pid1", pid1_command()}, {"groups", pid1_groups()}, {"namespaces", namespaces},
           {"hostname", hostname},   {"mounts", mounts()},      {"files", files}};
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace standin

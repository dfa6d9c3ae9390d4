#pragma once
// Host ports the project wants to publish that something else already holds — found before
// anything is created, so `start` can fail with the port and its owner instead of the engine's
// "port is already allocated" halfway through. `check` reports the same findings.
#include <string>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::engine {
class Client;
}

namespace ollama_stack::stack {

// One published host port of the project.
struct PublishedPort {
  std::string service;
  std::string host_ip;  // "" = every address
  int port = 0;
  std::string protocol = "tcp";
};

// Every fixed host port the project publishes (ephemeral and unpublished ports left out), in
// service order.
std::vector<PublishedPort> published_ports(const compose::Project& project);

struct PortConflict {
  int port = 0;
  std::string host_ip;   // as the project asks for it ("" = every address)
  std::string service;   // the project's service that wants it
  std::string owner;     // "container web-1 (project other)", "pid 42 (python3) listening on 0.0.0.0"
  std::string message() const;  // one sentence: "port 8080 (webui) is already in use by …"
};

// Whether a binding on address a and one on address b can clash ("", 0.0.0.0 and :: clash
// with every address).
bool addresses_overlap(const std::string& a, const std::string& b);

// The containers other than the project's own that publish `port` on an overlapping address.
// `containers` is the engine's list of running containers.
std::vector<std::string> containers_holding(const std::vector<engine::ContainerSummary>& containers,
                                            const std::string& project_name, const PublishedPort& port);

// Whether the engine publishes ports on this machine, so a local bind tells us anything (a Unix
// socket or a tcp:// endpoint on localhost). `engine_description` is Client::describe().
bool engine_is_local(const std::string& engine_description);

enum class PortState { free, ours, taken };
struct PortAssessment {
  PublishedPort port;
  PortState state = PortState::free;
  std::string owner;  // taken: who holds it
};

// Every published port of the project, assessed: held by a running container of this project
// (ours), by another container (taken, naming it), or — when the engine is local — by a process
// we cannot bind past (taken, naming it where /proc shows it); otherwise free.
std::vector<PortAssessment> assess_ports(engine::Client& engine, const compose::Project& project);

// The conflicts of every published port: a port published by a running container of this project
// is fine; one published by another container names that container; otherwise, when the engine
// is local, a port we cannot bind names the owning process where /proc shows it.
std::vector<PortConflict> find_port_conflicts(engine::Client& engine, const compose::Project& project);

}  // namespace ollama_stack::stack

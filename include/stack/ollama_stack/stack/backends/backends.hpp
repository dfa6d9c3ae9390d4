#pragma once
// The fleet: Ollamas on engines (or GPUs) of their own behind the core's one Open WebUI. Each
// backend is recorded in the state file (BackendRecord) and runs as the compose project
// "<core project>-backend-<name>" on its engine: the core's own `ollama` service, loaded for the
// platform decided from THAT engine, with its port published and its models in its own volume.
// Open WebUI balances over the core's Ollama and every healthy backend (OLLAMA_BASE_URLS); no
// scheduler of ours.
#include <map>
#include <string>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/state_file.hpp"

namespace ollama_stack::stack {

inline constexpr const char* kBackendLabel = "ollama-stack.backend";  // the backend's name
inline constexpr const char* kBackendService = "ollama";

// Throws Error(usage) unless `name` is 1-32 of a-z, 0-9 and '-', starting with a letter or digit.
void validate_backend_name(const std::string& name);
// The device ids `gpus` pins ("" none, "all" every GPU, "0,2" those); throws Error(usage).
std::vector<std::string> gpu_ids(const std::string& gpus);

std::string backend_project_name(const std::string& core_project, const std::string& name);
// installation=<core project>, component=backend, ollama-stack.backend=<name>.
std::map<std::string, std::string> backend_labels(const std::string& core_project,
                                                  const std::string& name);

// Where the backend's engine is: its --host, or its Docker context (read from the Docker CLI's
// store with the environment's DOCKER_CONFIG/HOME and TLS settings). Throws ConfigError.
engine::Endpoint backend_endpoint(const BackendRecord& backend, const engine::EnvLookup& env);
// For people: "tcp://10.0.0.2:2375" or "context gpu-box".
std::string backend_engine_text(const BackendRecord& backend);
// How Open WebUI (a container on the core's engine) reaches it: --url, else the engine's host
// and the port ("host.docker.internal" for an engine on this machine's socket) (pure).
std::string backend_webui_url(const BackendRecord& backend, const engine::Endpoint& endpoint);
// How this machine reaches its published port: http://<engine host>:<port> (pure).
std::string backend_client_url(const BackendRecord& backend, const engine::Endpoint& endpoint);

// The backend's project from the core's project as loaded for the backend engine's platform:
// only the `ollama` service and its volume, the port published on bind:port, GPUs pinned (pure).
compose::Project backend_project(const compose::Project& core_for_platform,
                                 const BackendRecord& backend);

// Open WebUI's OLLAMA_BASE_URLS: its own OLLAMA_BASE_URL (the core's Ollama) then `urls`; with no
// urls the project is left as the compose files say (pure).
void wire_backend_urls(compose::Project& core, const std::vector<std::string>& urls);
// The backend URLs the state file says Open WebUI was last given ({} when it cannot be read: the
// verbs that change the stack read the file strictly themselves).
std::vector<std::string> recorded_backend_urls(const HomeLayout& home);

// `backends add`: checks the name is new and the port free among the backends on the same engine,
// then records it. Throws Error(usage) / ConfigError.
void record_backend(const HomeLayout& home, const BackendRecord& backend);
// `backends rm`: forgets it (and its URL in Open WebUI's list); false when it was not recorded.
bool forget_backend(const HomeLayout& home, const std::string& name);
// The recorded backends, in the order they were added.
std::vector<BackendRecord> recorded_backends(const HomeLayout& home);

}  // namespace ollama_stack::stack

#include "platform_json.hpp"

namespace ollama_stack::cli {
namespace {

nlohmann::json optional_text(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

nlohmann::json platform_json(const stack::PlatformDecision& decision) {
  return {{"name", stack::to_string(decision.platform)},
          {"chosen_by", decision.chosen_by},
          {"reason", decision.reason},
          {"gpu_request", decision.platform == stack::Platform::nvidia
                              ? nlohmann::json(stack::to_string(decision.nvidia_request))
                              : nlohmann::json(nullptr)},
          {"evidence", decision.evidence},
          {"warnings", decision.warnings}};
}

nlohmann::json platform_facts_json(const stack::PlatformFacts& facts) {
  nlohmann::json engine = nullptr;
  if (facts.engine) {
    const auto& e = *facts.engine;
    engine = {{"name", e.name},
              {"os_type", e.os_type},
              {"architecture", e.architecture},
              {"operating_system", e.operating_system},
              {"server_version", e.server_version},
              {"runtimes", e.runtimes},
              {"cdi_spec_dirs", e.cdi_spec_dirs},
              {"discovered_devices", e.discovered_devices ? nlohmann::json(*e.discovered_devices)
                                                          : nlohmann::json(nullptr)}};
  }
  nlohmann::json local = nullptr;
  if (facts.local) {
    const auto& l = *facts.local;
    local = {{"nvidia_driver", optional_text(l.nvidia_driver)},
             {"nvidia_hook", optional_text(l.nvidia_hook)},
             {"nvidia_cdi_spec", optional_text(l.nvidia_cdi_spec)},
             {"dev_kfd", l.amd_kfd},
             {"dev_dri", l.amd_dri},
             {"kfd_gid", l.kfd_gid ? nlohmann::json(*l.kfd_gid) : nlohmann::json(nullptr)}};
  }
  return {{"client",
           {{"os", facts.client_os}, {"arch", facts.client_arch}, {"host", facts.client_host}}},
          {"endpoint", facts.endpoint},
          {"endpoint_local", facts.endpoint_local},
          {"engine_runs_here", stack::engine_runs_here(facts)},
          {"engine", engine},
          {"local", local}};
}

}  // namespace ollama_stack::cli

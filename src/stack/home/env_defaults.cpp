#include "ollama_stack/stack/home/env_defaults.hpp"

#include <fmt/format.h>

#include <array>

#include "ollama_stack/stack/home/env_file.hpp"

namespace ollama_stack::stack {
namespace {

constexpr std::array<StackVariable, 12> kVariables{{
    {"PROJECT_NAME", "ollama-stack",
     "Compose project name: prefixes the containers, network and volumes. Changing it on an\n"
     "installed stack starts a new, empty one (the old volumes keep their data under the old "
     "name).",
     true},
    {"BIND_ADDRESS", "127.0.0.1",
     "Address the published ports listen on. 127.0.0.1 keeps the stack on this machine;\n"
     "0.0.0.0 opens it to your network."},
    {"OLLAMA_PORT", "11434", "Host port of the Ollama API."},
    {"WEBUI_PORT", "8080", "Host port of Open WebUI."},
    {"MCP_PROXY_PORT", "8200", "Host port of the MCP proxy (mcpo)."},
    {"OLLAMA_IMAGE", "ollama/ollama:latest",
     "Images: pin versions here. On the nvidia platform WEBUI_IMAGE defaults to\n"
     "ghcr.io/open-webui/open-webui:cuda, on the amd platform OLLAMA_IMAGE to ollama/ollama:rocm."},
    {"WEBUI_IMAGE", "ghcr.io/open-webui/open-webui:main", ""},
    {"MCP_PROXY_IMAGE", "ghcr.io/open-webui/mcpo:main", ""},
    {"HSA_OVERRIDE_GFX_VERSION", "",
     "amd platform: the ROCm target for a GPU that ROCm does not list (10.3.0 for an RX 5400)."},
    {"RENDER_GID", "",
     "amd platform: the id of the engine host's render group (`getent group render | cut -d: -f3`\n"
     "there). Found by itself when the engine runs on this machine."},
    {"OLLAMA_KEEP_ALIVE", "5m",
     "How long Ollama keeps a model loaded after its last use (5m, 1h, -1 for ever, 0 to unload)."},
    {"WEBUI_SECRET_KEY", "",
     "Open WebUI signs login sessions with this key. It was generated for this installation;\n"
     "changing it logs every user out. `ollama-stack install` never changes it.",
     true},
}};

void append_comment(std::string& text, std::string_view description) {
  while (!description.empty()) {
    auto newline = description.find('\n');
    std::string_view line = description.substr(0, newline);
    text += "# ";
    text += line;
    text += '\n';
    if (newline == std::string_view::npos) break;
    description.remove_prefix(newline + 1);
  }
}

}  // namespace

std::span<const StackVariable> stack_variables() { return kVariables; }

std::string env_header_text() {
  return fmt::format("{}{} (`ollama-stack migrate` upgrades older files)\n", kEnvFormatPrefix,
                     kEnvFormatVersion) +
         "# ollama-stack settings, read for the stack's compose files. A variable set in the "
         "shell\n"
         "# environment wins over this file. Lines are KEY=value; '#' starts a comment.\n"
         "# ollama-stack edits only the lines it has to and keeps the rest as you wrote it.\n";
}

std::string env_variable_text(const StackVariable& variable, bool active, std::string_view value) {
  std::string text;
  // Variables sharing one description (the images) stay together without a blank line.
  if (!variable.description.empty()) {
    text += '\n';
    append_comment(text, variable.description);
  }
  text += (active ? "" : "# ") + format_env_assignment(variable.name, value) + "\n";
  return text;
}

std::string default_env_text(std::string_view secret) {
  std::string text = env_header_text();
  for (const auto& variable : kVariables) {
    if (variable.name == kSecretKeyVariable)
      text += env_variable_text(variable, true, secret);
    else
      text += env_variable_text(variable, variable.set_in_new_file, variable.default_value);
  }
  return text;
}

}  // namespace ollama_stack::stack

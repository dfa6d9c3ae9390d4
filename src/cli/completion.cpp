// `ollama-stack completion bash|zsh|fish` prints a completion script, and the hidden
// `ollama-stack __complete -- WORD...` answers it (see cli/completion.hpp); the tree walk and the
// answer are here, the scripts in completion_scripts.cpp.
#include "ollama_stack/cli/completion.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/home/platform.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::vector<std::string> option_names(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const auto& name : option.get_snames()) names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) names.push_back("--" + name);
  return names;
}

// Positional arguments are known by their name: SERVICE..., EXTENSION..., SHELL.
CompletionNode::Args positional_kind(const std::string& path, const std::string& name,
                                     std::vector<std::string>& choices) {
  if (name.find("service") != std::string::npos) return CompletionNode::Args::services;
  if (name.find("extension") != std::string::npos || path.starts_with("extensions"))
    return CompletionNode::Args::extensions;
  if (name == "shell") {
    choices.assign(std::begin(kCompletionShells), std::end(kCompletionShells));
    return CompletionNode::Args::choices;
  }
  return CompletionNode::Args::none;
}

void walk(const CLI::App& app, const std::string& path, const std::vector<std::string>& globals,
          CompletionModel& model) {
  CompletionNode node;
  node.path = path;
  for (const CLI::Option* option : app.get_options({})) {
    if (option->get_group().empty()) continue;  // hidden
    if (option->get_positional() && !option->nonpositional()) {
      node.args = positional_kind(path, option->get_name(true), node.arg_choices);
      continue;
    }
    for (const auto& name : option_names(*option)) {
      add_unique(node.flags, name);
      if (option->get_items_expected_max() > 0)
        add_unique(model.value_options, name);  // not a flag
    }
  }
  for (const auto& name : globals) add_unique(node.flags, name);
  const auto children =
      app.get_subcommands([](const CLI::App* child) { return !child->get_group().empty(); });
  for (const CLI::App* child : children) node.subcommands.push_back(child->get_name());
  model.nodes.push_back(node);

  // Options of the root are accepted after any verb (fallthrough); --version is not.
  std::vector<std::string> inherited = globals;
  if (path.empty()) {
    for (const auto& name : node.flags)
      if (name != "--version" && name != "--help" && name != "-h") inherited.push_back(name);
  }
  for (const CLI::App* child : children)
    walk(*child, path.empty() ? child->get_name() : path + " " + child->get_name(), inherited,
         model);
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const CompletionNode* find_node(const CompletionModel& model, const std::string& path) {
  for (const auto& node : model.nodes)
    if (node.path == path) return &node;
  return nullptr;
}

// The (sub)command path the words name, skipping options and the values of options that take
// one (an unknown word, a positional argument, leaves the path as it is).
std::string command_path(const CompletionModel& model, const std::vector<std::string>& words) {
  std::string path;
  bool skip = false;
  for (const auto& word : words) {
    if (skip) {
      skip = false;
      continue;
    }
    if (word.starts_with("--") && word.find('=') != std::string::npos) continue;
    if (contains(model.value_options, word)) {
      skip = true;
      continue;
    }
    if (word.starts_with("-")) continue;
    const auto* node = find_node(model, path);
    if (node != nullptr && contains(node->subcommands, word))
      path = path.empty() ? word : path + " " + word;
  }
  return path;
}

// A name source that fails (no engine, broken files) offers nothing: completion never complains.
std::vector<std::string> names_from(const std::function<std::vector<std::string>()>& source) {
  if (!source) return {};
  try {
    return source();
  } catch (...) {
    return {};
  }
}

std::vector<std::string> starting_with(const std::vector<std::string>& candidates,
                                       const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& candidate : candidates)
    if (candidate.starts_with(prefix)) add_unique(out, candidate);
  return out;
}

}  // namespace

std::vector<std::string> complete_words(const CompletionModel& model,
                                        const std::vector<std::string>& words,
                                        const CompletionSources& sources) {
  const std::string current = words.empty() ? "" : words.back();
  const std::string previous = words.size() >= 2 ? words[words.size() - 2] : "";
  if (auto choices = model.option_choices.find(previous); choices != model.option_choices.end())
    return starting_with(choices->second, current);
  if (contains(model.directory_options, previous)) return {std::string(kCompleteDirectories)};
  if (contains(model.value_options, previous)) return {};  // a number, a host: nothing to offer
  const std::vector<std::string> before(words.begin(), words.end() - (words.empty() ? 0 : 1));
  const auto* node = find_node(model, command_path(model, before));
  if (node == nullptr) return {};
  if (current.starts_with("-")) return starting_with(node->flags, current);
  std::vector<std::string> candidates = node->subcommands;
  candidates.insert(candidates.end(), node->arg_choices.begin(), node->arg_choices.end());
  std::vector<std::string> names;
  if (node->args == CompletionNode::Args::services) names = names_from(sources.services);
  if (node->args == CompletionNode::Args::extensions) names = names_from(sources.extensions);
  candidates.insert(candidates.end(), names.begin(), names.end());
  return starting_with(candidates, current);
}

CompletionModel completion_model(const CLI::App& root) {
  CompletionModel model;
  walk(root, "", {}, model);
  model.option_choices["--platform"] = stack::platform_choices();
  for (const char* name : {"--home", "--compose-dir"})
    if (std::find(model.value_options.begin(), model.value_options.end(), name) !=
        model.value_options.end())
      model.directory_options.push_back(name);
  return model;
}

namespace {

// The names the binary knows without a running stack: the services of the compose files (which
// need WEBUI_SECRET_KEY to load: a placeholder stands in, only names are read) and the extensions.
CompletionSources live_sources(Context& context) {
  auto quiet = [&context] {
    static std::ostringstream discard;
    auto env = context.env();
    auto lookup = [env](std::string_view name) -> std::optional<std::string> {
      auto value = env(name);
      if (!value && name == "WEBUI_SECRET_KEY") return "x";
      return value;
    };
    auto names = std::make_shared<Context>(discard, discard, lookup);
    names->global = context.global;
    return names;
  };
  CompletionSources sources;
  sources.services = [quiet] {
    auto names_context = quiet();
    auto session = names_context->session();
    std::vector<std::string> names;
    for (const auto& [name, service] : session.project().project.services) names.push_back(name);
    return names;
  };
  sources.extensions = [quiet] {
    auto names_context = quiet();
    auto session = names_context->session();
    std::vector<std::string> names;
    for (const auto& status : stack::extensions_overview(session).extensions)
      names.push_back(status.name);
    return names;
  };
  return sources;
}

void register_complete(CLI::App& app, Context& context) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("__complete", "Answer a completion script");
  command->group("");  // hidden: scripts call it, people do not
  command->add_option("words", *words,
                      "The words after the program name, the last being completed");
  CLI::App* root = &app;
  command->callback([&context, root, words] {
    spdlog::set_level(spdlog::level::off);  // nothing but candidates, whatever the engine says
    for (const auto& candidate :
         complete_words(completion_model(*root), *words, live_sources(context)))
      context.out() << candidate << "\n";
  });
}

}  // namespace

void register_completion(CLI::App& app, Context& context) {
  register_complete(app, context);
  auto shell = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "completion",
      "Print a shell completion script (verbs, flags, service and extension names).\n"
      "bash: source <(ollama-stack completion bash); zsh: source <(ollama-stack completion zsh); "
      "fish: ollama-stack completion fish | source");
  command->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  command->callback([&context, shell] { context.out() << completion_script(*shell); });
}

}  // namespace ollama_stack::cli

// `ollama-stack completion bash|zsh|fish`: prints a completion script generated from the command
// tree (see cli/completion.hpp); the tree walk is here, the scripts in completion_scripts.cpp.
#include "ollama_stack/cli/completion.hpp"

#include <algorithm>

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

}  // namespace

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

void register_completion(CLI::App& app, Context& context) {
  auto shell = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "completion",
      "Print a shell completion script (verbs, flags, service and extension names).\n"
      "bash: source <(ollama-stack completion bash); zsh: source <(ollama-stack completion zsh); "
      "fish: ollama-stack completion fish | source");
  command->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  CLI::App* root = &app;
  command->callback([&context, root, shell] {
    context.out() << completion_script(completion_model(*root), *shell);
  });
}

}  // namespace ollama_stack::cli

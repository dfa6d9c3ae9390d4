// The three completion scripts, rendered from a CompletionModel. Each shell runs the same steps:
// walk the words before the cursor to find the (sub)command path, skipping options and the values
// of options that take one; then offer the value choices of the previous option, or the flags of
// the path (when the word starts with '-'), or its subcommands and argument names. Service names
// are listed before `install` too: `config --services` needs WEBUI_SECRET_KEY to load the compose
// files, so the scripts pass a placeholder when the environment has none (only names are read).
#include <fmt/format.h>

#include <sstream>

#include "ollama_stack/cli/completion.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::cli {
namespace {

std::string join(const std::vector<std::string>& words, const char* separator = " ") {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

std::string slash_path(const std::string& parent, const std::string& child) {
  return parent + "/" + child;
}

std::string child_path(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + " " + child;
}

// Fish's `case` words, each quoted.
std::string quoted(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "'" : " '") + word + "'";
  return out;
}

std::vector<std::string> plain_value_options(const CompletionModel& model) {
  std::vector<std::string> out;
  for (const auto& name : model.value_options) {
    if (model.option_choices.contains(name)) continue;
    if (std::find(model.directory_options.begin(), model.directory_options.end(), name) !=
        model.directory_options.end())
      continue;
    out.push_back(name);
  }
  return out;
}

const char* args_word(CompletionNode::Args args) {
  switch (args) {
    case CompletionNode::Args::services:
      return "services";
    case CompletionNode::Args::extensions:
      return "extensions";
    default:
      return "";
  }
}

// ---- bash (also what most other tools' scripts look like) ----
std::string bash_script(const CompletionModel& model, const std::string& program) {
  std::ostringstream s;
  s << "# bash completion for " << program << ", generated from its command tree by `" << program
    << " completion bash`.\n# Load now: source <(" << program << " completion bash)\n\n";
  s << "_ollama_stack_names() {  # $1: the command as typed, $2: services or extensions\n"
       "  case \"$2\" in\n"
       "    services) WEBUI_SECRET_KEY=\"${WEBUI_SECRET_KEY:-x}\" \"$1\" config --services "
       "2>/dev/null ;;\n"
       "    extensions) \"$1\" extensions list --json 2>/dev/null |\n"
       "      sed -n 's/.*\"name\":[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p' ;;\n"
       "  esac\n"
       "}\n\n";
  s << "_ollama_stack() {\n"
       "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" cmdpath=\"\" word i skip=0\n"
       "  ((COMP_CWORD > 0)) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    word=\"${COMP_WORDS[i]}\"\n"
       "    if ((skip)); then skip=0; continue; fi\n"
       "    case \"$word\" in\n"
       "      --*=*) continue ;;\n";
  if (!model.value_options.empty())
    s << "      " << join(model.value_options, "|") << ") skip=1; continue ;;\n";
  s << "      -*) continue ;;\n"
       "    esac\n"
       "    case \"$cmdpath/$word\" in\n";
  for (const auto& node : model.nodes)
    for (const auto& child : node.subcommands)
      s << "      \"" << slash_path(node.path, child) << "\") cmdpath=\""
        << child_path(node.path, child) << "\" ;;\n";
  s << "    esac\n"
       "  done\n"
       "  case \"$prev\" in\n";
  for (const auto& [name, choices] : model.option_choices)
    s << "    " << name << ") COMPREPLY=($(compgen -W \"" << join(choices)
      << "\" -- \"$cur\")); return 0 ;;\n";
  if (!model.directory_options.empty())
    s << "    " << join(model.directory_options, "|")
      << ") COMPREPLY=($(compgen -d -- \"$cur\")); return 0 ;;\n";
  if (auto plain = plain_value_options(model); !plain.empty())
    s << "    " << join(plain, "|") << ") COMPREPLY=(); return 0 ;;\n";
  s << "  esac\n"
       "  local flags=\"\" words=\"\" names=\"\"\n"
       "  case \"$cmdpath\" in\n";
  for (const auto& node : model.nodes) {
    std::vector<std::string> words = node.subcommands;
    words.insert(words.end(), node.arg_choices.begin(), node.arg_choices.end());
    s << "    \"" << node.path << "\") flags=\"" << join(node.flags) << "\"; words=\""
      << join(words) << "\"; names=\"" << args_word(node.args) << "\" ;;\n";
  }
  s << "  esac\n"
       "  if [[ \"$cur\" == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
       "    return 0\n"
       "  fi\n"
       "  [[ -n \"$names\" ]] && words=\"$words $(_ollama_stack_names \"${COMP_WORDS[0]}\" "
       "\"$names\")\"\n"
       "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "  return 0\n"
       "}\n\n"
    << "complete -F _ollama_stack " << program << "\n";
  return s.str();
}

// ---- zsh: native (compadd), loadable with `source` or from a file named _ollama-stack in $fpath
// ----
std::string zsh_script(const CompletionModel& model, const std::string& program) {
  std::ostringstream s;
  s << "#compdef " << program << "\n# zsh completion for " << program
    << ", generated from its command tree by `" << program
    << " completion zsh`.\n# Load now: source <(" << program << " completion zsh); or save it as _"
    << program << " in a directory of $fpath.\n\n";
  s << "_ollama_stack_names() {  # $1: the command as typed, $2: services or extensions\n"
       "  case \"$2\" in\n"
       "    services) WEBUI_SECRET_KEY=\"${WEBUI_SECRET_KEY:-x}\" \"$1\" config --services "
       "2>/dev/null ;;\n"
       "    extensions) \"$1\" extensions list --json 2>/dev/null |\n"
       "      sed -n 's/.*\"name\":[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p' ;;\n"
       "  esac\n"
       "}\n\n";
  s << "_ollama_stack() {\n"
       "  local cur=\"${words[CURRENT]}\" prev=\"${words[CURRENT-1]}\" cmdpath=\"\" word i skip=0\n"
       "  for ((i = 2; i < CURRENT; i++)); do\n"
       "    word=\"${words[i]}\"\n"
       "    if ((skip)); then skip=0; continue; fi\n"
       "    case \"$word\" in\n"
       "      --*=*) continue ;;\n";
  if (!model.value_options.empty())
    s << "      " << join(model.value_options, "|") << ") skip=1; continue ;;\n";
  s << "      -*) continue ;;\n"
       "    esac\n"
       "    case \"$cmdpath/$word\" in\n";
  for (const auto& node : model.nodes)
    for (const auto& child : node.subcommands)
      s << "      \"" << slash_path(node.path, child) << "\") cmdpath=\""
        << child_path(node.path, child) << "\" ;;\n";
  s << "    esac\n"
       "  done\n"
       "  case \"$prev\" in\n";
  for (const auto& [name, choices] : model.option_choices)
    s << "    " << name << ") compadd -- " << join(choices) << "; return 0 ;;\n";
  if (!model.directory_options.empty())
    s << "    " << join(model.directory_options, "|") << ") _files -/; return 0 ;;\n";
  if (auto plain = plain_value_options(model); !plain.empty())
    s << "    " << join(plain, "|") << ") return 0 ;;\n";
  s << "  esac\n"
       "  local -a flags candidates\n"
       "  local names=\"\"\n"
       "  case \"$cmdpath\" in\n";
  for (const auto& node : model.nodes) {
    std::vector<std::string> words = node.subcommands;
    words.insert(words.end(), node.arg_choices.begin(), node.arg_choices.end());
    s << "    \"" << node.path << "\") flags=(" << join(node.flags) << "); candidates=("
      << join(words) << "); names=\"" << args_word(node.args) << "\" ;;\n";
  }
  s << "  esac\n"
       "  if [[ \"$cur\" == -* ]]; then\n"
       "    compadd -- \"${flags[@]}\"\n"
       "    return 0\n"
       "  fi\n"
       "  [[ -n \"$names\" ]] && candidates+=(${(f)\"$(_ollama_stack_names \"${words[1]}\" "
       "\"$names\")\"})\n"
       "  compadd -- \"${candidates[@]}\"\n"
       "}\n\n"
       "if [[ \"${zsh_eval_context[-1]}\" == loadautofunc ]]; then\n"
       "  _ollama_stack \"$@\"\n"
       "else\n"
    << "  compdef _ollama_stack " << program << "\n"
    << "fi\n";
  return s.str();
}

// ---- fish: one function prints the candidates for the command line ----
std::string fish_script(const CompletionModel& model, const std::string& program) {
  std::ostringstream s;
  s << "# fish completion for " << program << ", generated from its command tree by `" << program
    << " completion fish`.\n# Load now: " << program << " completion fish | source\n\n";
  s << "function __ollama_stack_names --argument-names cmd kind\n"
       "    switch $kind\n"
       "        case services\n"
       "            set -q WEBUI_SECRET_KEY; or set -lx WEBUI_SECRET_KEY x\n"
       "            $cmd config --services 2>/dev/null\n"
       "        case extensions\n"
       "            $cmd extensions list --json 2>/dev/null | string replace -r -f "
       "'.*\"name\":\\s*\"([^\"]*)\".*' '$1'\n"
       "    end\n"
       "end\n\n";
  s << "function __ollama_stack_candidates\n"
       "    set -l tokens (commandline -opc)\n"
       "    set -l cur (commandline -ct)\n"
       "    set -l cmdpath ''\n"
       "    set -l skip 0\n"
       "    set -l prev ''\n"
       "    test (count $tokens) -ge 1; and set prev $tokens[-1]\n"
       "    for i in (seq 2 (count $tokens))\n"
       "        set -l word $tokens[$i]\n"
       "        if test $skip -eq 1\n"
       "            set skip 0\n"
       "            continue\n"
       "        end\n"
       "        switch $word\n"
       "            case '--*=*'\n"
       "                continue\n";
  if (!model.value_options.empty())
    s << "            case " << quoted(model.value_options) << "\n                set skip 1\n"
      << "                continue\n";
  s << "            case '-*'\n"
       "                continue\n"
       "        end\n"
       "        switch \"$cmdpath/$word\"\n";
  for (const auto& node : model.nodes)
    for (const auto& child : node.subcommands)
      s << "            case '" << slash_path(node.path, child)
        << "'\n                set cmdpath '" << child_path(node.path, child) << "'\n";
  s << "        end\n"
       "    end\n"
       "    switch $prev\n";
  for (const auto& [name, choices] : model.option_choices)
    s << "        case '" << name << "'\n            printf '%s\\n' " << join(choices)
      << "\n            return\n";
  if (!model.directory_options.empty())
    s << "        case " << quoted(model.directory_options)
      << "\n            __fish_complete_directories $cur\n"
      << "            return\n";
  if (auto plain = plain_value_options(model); !plain.empty())
    s << "        case " << quoted(plain) << "\n            return\n";
  s << "    end\n"
       "    set -l flags\n"
       "    set -l candidates\n"
       "    set -l names ''\n"
       "    switch $cmdpath\n";
  for (const auto& node : model.nodes) {
    std::vector<std::string> words = node.subcommands;
    words.insert(words.end(), node.arg_choices.begin(), node.arg_choices.end());
    s << "        case '" << node.path << "'\n            set flags " << join(node.flags)
      << "\n            set candidates " << join(words) << "\n            set names '"
      << args_word(node.args) << "'\n";
  }
  s << "    end\n"
       "    if string match -q -- '-*' $cur\n"
       "        printf '%s\\n' $flags\n"
       "        return\n"
       "    end\n"
       "    printf '%s\\n' $candidates\n"
       "    test -n \"$names\"; and __ollama_stack_names $tokens[1] $names\n"
       "end\n\n"
    << "complete -c " << program << " -f -a '(__ollama_stack_candidates)'\n";
  return s.str();
}

}  // namespace

std::string completion_script(const CompletionModel& model, std::string_view shell,
                              const std::string& program) {
  if (shell == "bash") return bash_script(model, program);
  if (shell == "zsh") return zsh_script(model, program);
  if (shell == "fish") return fish_script(model, program);
  throw Error(ExitCode::usage, fmt::format("no completion for the shell \"{}\"", shell),
              "use bash, zsh or fish");
}

}  // namespace ollama_stack::cli

// The three completion scripts. Each passes the words of the command line after the program name
// (the last one being completed, "" for a new word) to `PROGRAM __complete --` and offers what it
// prints, one candidate a line; a first line ":directories" asks for the shell's own directory
// completion. Everything else (the command tree, options' values, names) is the binary's answer,
// so the scripts cannot drift from it.
#include <fmt/format.h>

#include "ollama_stack/cli/completion.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::cli {
namespace {

std::string bash_script(const std::string& program) {
  return fmt::format(
      "# bash completion for {0}: the candidates come from `{0} __complete`.\n"
      "# Load now: source <({0} completion bash)\n\n"
      "_ollama_stack() {{\n"
      "  local IFS=$'\\n' reply\n"
      "  reply=($(\"${{COMP_WORDS[0]}}\" __complete -- \"${{COMP_WORDS[@]:1:COMP_CWORD}}\" "
      "2>/dev/null))\n"
      "  if [[ \"${{reply[0]}}\" == {1} ]]; then\n"
      "    COMPREPLY=($(compgen -d -- \"${{COMP_WORDS[COMP_CWORD]}}\"))\n"
      "  else\n"
      "    COMPREPLY=(\"${{reply[@]}}\")\n"
      "  fi\n"
      "  return 0\n"
      "}}\n\n"
      "complete -F _ollama_stack {0}\n",
      program, kCompleteDirectories);
}

// Native (compadd); loadable with `source` or from a file named _PROGRAM in $fpath.
std::string zsh_script(const std::string& program) {
  return fmt::format(
      "#compdef {0}\n"
      "# zsh completion for {0}: the candidates come from `{0} __complete`.\n"
      "# Load now: source <({0} completion zsh); or save it as _{0} in a directory of $fpath.\n\n"
      "_ollama_stack() {{\n"
      "  local -a reply\n"
      "  reply=(${{(f)\"$(\"${{words[1]}}\" __complete -- \"${{(@)words[2,CURRENT]}}\" "
      "2>/dev/null)\"}})\n"
      "  if [[ \"${{reply[1]}}\" == {1} ]]; then\n"
      "    _files -/\n"
      "  else\n"
      "    compadd -- \"${{reply[@]}}\"\n"
      "  fi\n"
      "}}\n\n"
      "if [[ \"${{zsh_eval_context[-1]}}\" == loadautofunc ]]; then\n"
      "  _ollama_stack \"$@\"\n"
      "else\n"
      "  compdef _ollama_stack {0}\n"
      "fi\n",
      program, kCompleteDirectories);
}

std::string fish_script(const std::string& program) {
  return fmt::format(
      "# fish completion for {0}: the candidates come from `{0} __complete`.\n"
      "# Load now: {0} completion fish | source\n\n"
      "function __ollama_stack_candidates\n"
      "    set -l tokens (commandline -opc)\n"
      "    set -l cur (commandline -ct)\n"
      "    set -l reply ($tokens[1] __complete -- $tokens[2..-1] \"$cur\" 2>/dev/null)\n"
      "    if test \"$reply[1]\" = '{1}'\n"
      "        __fish_complete_directories \"$cur\"\n"
      "    else\n"
      "        printf '%s\\n' $reply\n"
      "    end\n"
      "end\n\n"
      "complete -c {0} -f -a '(__ollama_stack_candidates)'\n",
      program, kCompleteDirectories);
}

}  // namespace

std::string completion_script(std::string_view shell, const std::string& program) {
  if (shell == "bash") return bash_script(program);
  if (shell == "zsh") return zsh_script(program);
  if (shell == "fish") return fish_script(program);
  throw Error(ExitCode::usage, fmt::format("no completion for the shell \"{}\"", shell),
              "use bash, zsh or fish");
}

}  // namespace ollama_stack::cli

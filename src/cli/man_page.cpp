// The man page rendered from the command tree (see cli/man_page.hpp), and the hidden verb
// `ollama-stack __man-page` that prints it at build time.
#include "ollama_stack/cli/man_page.hpp"

#include <cctype>
#include <sstream>
#include <utility>
#include <vector>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/version.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

bool visible(const CLI::Option* option) { return !option->get_group().empty(); }

bool positional_only(const CLI::Option* option) {
  return option->get_positional() && !option->nonpositional();
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Several text lines; an empty line becomes a paragraph break.
std::string text_lines(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    if (!out.empty()) out += line.empty() ? ".PP\n" : ".br\n";
    if (!line.empty()) out += roff_escape(line) + "\n";
    start = end + 1;
  }
  return out;
}

// "\fINAME\fR", "[\fISERVICE\fR...]": how a positional argument appears in a usage line.
std::string positional_label(const CLI::Option& option) {
  std::string label = "\\fI" + roff_escape(upper(option.get_name(true))) + "\\fR";
  if (option.get_items_expected_max() > 1) label += "...";
  return option.get_required() ? label : "[" + label + "]";
}

// \fB\-f\fR, \fB\-\-follow\fR \fIN\fR
std::string option_label(const CLI::Option& option) {
  std::string label;
  auto add = [&label](const std::string& name) {
    if (!label.empty()) label += ", ";
    label += "\\fB" + roff_escape(name) + "\\fR";
  };
  for (const auto& name : option.get_snames()) add("-" + name);
  for (const auto& name : option.get_lnames()) add("--" + name);
  if (option.get_items_expected_max() > 0 && !option.get_type_name().empty())
    label += " \\fI" + roff_escape(option.get_type_name()) + "\\fR";
  return label;
}

std::string usage_line(const CLI::App& app, const std::string& path) {
  std::string line = "\\fB" + roff_escape(path) + "\\fR";
  bool has_options = false;
  std::vector<std::string> positionals;
  for (const CLI::Option* option : app.get_options({})) {
    if (!visible(option)) continue;
    if (positional_only(option))
      positionals.push_back(positional_label(*option));
    else if (option->get_name() != "--help")
      has_options = true;
  }
  if (has_options) line += " [\\fIOPTIONS\\fR]";
  if (!visible_subcommands(app).empty()) line += " \\fICOMMAND\\fR";
  for (const auto& label : positionals) line += " " + label;
  return line + "\n";
}

// One .TP entry per visible option (--help is left out: every command has it) and per
// positional argument.
std::string option_list(const CLI::App& app) {
  std::string out;
  for (const CLI::Option* option : app.get_options({})) {
    if (!visible(option) || option->get_name() == "--help") continue;
    out += ".TP\n";
    out += positional_only(option) ? "\\fI" + roff_escape(upper(option->get_name(true))) + "\\fR\n"
                                   : option_label(*option) + "\n";
    out += text_lines(option->get_description());
  }
  return out;
}

void render_commands(const CLI::App& app, const std::string& path, std::string& out) {
  for (const CLI::App* command : visible_subcommands(app)) {
    const std::string command_path = path + " " + command->get_name();
    out += ".SS \"" + roff_escape(command_path) + "\"\n";
    out += usage_line(*command, command_path);
    out += ".PP\n" + text_lines(command->get_description());
    out += option_list(*command);
    render_commands(*command, command_path, out);
  }
}

// The root's description without its leading "ollama-stack: ".
std::string summary(const CLI::App& root) {
  std::string text = root.get_description();
  const std::string prefix = root.get_name() + ": ";
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  return text;
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  if (!text.empty() && (text.front() == '.' || text.front() == '\'')) out += "\\&";
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  return out;
}

std::string man_page(const CLI::App& root, std::string_view version) {
  const std::string name = root.get_name();
  std::string out;
  out += ".TH \"" + roff_escape(upper(name)) + "\" \"1\" \"\" \"" + roff_escape(name) + " " +
         roff_escape(version) + "\" \"User Commands\"\n";
  std::string name_line = summary(root);  // "ollama-stack \- run a local ..." without the full stop
  if (!name_line.empty() && name_line.back() == '.') name_line.pop_back();
  out += ".SH NAME\n" + roff_escape(name) + " \\- " + roff_escape(name_line) + "\n";
  out += ".SH SYNOPSIS\n" + usage_line(root, name);
  out += ".SH DESCRIPTION\n\\fB" + roff_escape(name) + "\\fR: " + text_lines(summary(root));
  out +=
      ".PP\nEvery command takes \\fB\\-\\-help\\fR. Options of the root (below) are accepted "
      "after the command too.\n";
  out += ".SH OPTIONS\n" + option_list(root);
  out += ".SH COMMANDS\n";
  render_commands(root, name, out);

  static const std::pair<ExitCode, const char*> kExitCodes[] = {
      {ExitCode::ok, "Done; for status, the stack runs and every service is healthy."},
      {ExitCode::failed, "The command ran and something went wrong."},
      {ExitCode::usage, "The command line is wrong; nothing was done."},
      {ExitCode::engine_unreachable,
       "The Docker Engine cannot be used: nothing answers, permission denied on its socket, or "
       "its API is too old."},
      {ExitCode::unhealthy, "A service did not become healthy, or waiting for it timed out."},
      {ExitCode::bad_config, "A configuration file or value is wrong."},
      {ExitCode::interrupted,
       "Stopped by Ctrl-C or SIGTERM; what the command had created was undone."},
  };
  out += ".SH \"EXIT STATUS\"\n";
  for (const auto& [code, meaning] : kExitCodes)
    out += ".TP\n.B " + std::to_string(static_cast<int>(code)) + "\n" + roff_escape(meaning) + "\n";

  out += ".SH FILES\n.TP\n.I ~/.ollama\\-stack/\n";
  out += roff_escape(
             "The home (--home, OLLAMA_STACK_HOME): .env (settings, the WebUI secret), "
             ".ollama-stack.json (state), mcp/config.json, extensions/, compose/.") +
         "\n";
  out += ".SH \"SEE ALSO\"\n.BR docker (1),\n.I /usr/share/doc/ollama\\-stack/README.md\n";
  return out;
}

void register_man_page(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("__man-page", "Print the man page (roff); used by the build");
  command->group("");  // hidden: not in --help, completion, the man page or docs/commands.md
  CLI::App* root = &app;
  command->callback([&context, root] { context.out() << man_page(*root, kVersion); });
}

}  // namespace ollama_stack::cli

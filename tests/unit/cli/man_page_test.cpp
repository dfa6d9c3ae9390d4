// The man page is generated from the command tree: a small tree renders to exactly the golden
// roff, and the real tree's page names every visible command and flag and nothing hidden.
#include "ollama_stack/cli/man_page.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "golden_file.hpp"
#include "ollama_stack/cli/app.hpp"

namespace ollama_stack::cli {
namespace {

TEST(ManPage, RoffEscapeGuardsRequestsBackslashesAndHyphens) {
  EXPECT_EQ(roff_escape("--json"), "\\-\\-json");
  EXPECT_EQ(roff_escape("C:\\dir"), "C:\\edir");
  EXPECT_EQ(roff_escape(".env holds it"), "\\&.env holds it");
  EXPECT_EQ(roff_escape("'quoted'"), "\\&'quoted'");
  EXPECT_EQ(roff_escape("plain text"), "plain text");
}

TEST(ManPage, SmallTreeMatchesGolden) {
  CLI::App root{"demo: do things to a demo.", "demo"};
  bool verbose = false, json = false, hidden_flag = false;
  std::string home, shell;
  int tail = 0;
  std::vector<std::string> services;
  root.add_flag("-v,--verbose", verbose, "Say more");
  root.add_option("--home", home, "Where state lives\n.env is read from there");
  root.add_flag("--secret", hidden_flag, "Not shown")->group("");
  auto* logs = root.add_subcommand("logs", "Show logs");
  logs->add_option("service", services, "Services to show");
  logs->add_option("--tail", tail, "Lines from the end")->type_name("N");
  logs->add_flag("--json", json, "One JSON document");
  auto* group = root.add_subcommand("group", "A group of verbs");
  auto* shell_cmd = group->add_subcommand("shell", "Print a script");
  shell_cmd->add_option("shell", shell, "bash or zsh")->required();
  root.add_subcommand("__hidden", "Not shown")->group("");

  testing::expect_golden(man_page(root, "1.2.3"), "cli_man_page_small.1");
}

// Every request line of the page is one of the man(7) macros it means to use: a description that
// starts with "." cannot turn into a request.
TEST(ManPage, RealTreeNamesEveryVisibleCommandAndFlagAndUsesOnlyKnownMacros) {
  std::ostringstream out, err;
  Context context(out, err, [](std::string_view) { return std::optional<std::string>(); });
  CLI::App app{"ollama-stack: run a stack.", "ollama-stack"};
  build_command_tree(app, context);
  const std::string page = man_page(app, "9.9.9");

  int commands = 0;
  std::function<void(const CLI::App&, const std::string&)> walk = [&](const CLI::App& node,
                                                                      const std::string& path) {
    for (const CLI::Option* option : node.get_options({})) {
      if (option->get_group().empty()) continue;
      for (const auto& name : option->get_lnames()) {
        if (name == "help") continue;
        EXPECT_NE(page.find("\\fB" + roff_escape("--" + name) + "\\fR"), std::string::npos)
            << "--" << name << " of `" << path << "`";
      }
    }
    for (const CLI::App* child :
         node.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); })) {
      const std::string child_path = path + " " + child->get_name();
      ++commands;
      EXPECT_NE(page.find(".SS \"" + roff_escape(child_path) + "\"\n"), std::string::npos)
          << child_path;
      walk(*child, child_path);
    }
  };
  walk(app, "ollama-stack");
  EXPECT_GT(commands, 10);
  EXPECT_EQ(page.find("__man"), std::string::npos) << "the hidden verb is in the page";
  EXPECT_EQ(page.rfind(".TH \"OLLAMA\\-STACK\" \"1\" \"\" \"ollama\\-stack 9.9.9\"", 0), 0u);

  const std::set<std::string> macros{".TH", ".SH", ".SS", ".PP", ".TP", ".B", ".BR", ".I", ".br"};
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || (line[0] != '.' && line[0] != '\'')) continue;
    EXPECT_TRUE(macros.count(line.substr(0, line.find(' ')))) << "unexpected request: " << line;
  }
}

}  // namespace
}  // namespace ollama_stack::cli

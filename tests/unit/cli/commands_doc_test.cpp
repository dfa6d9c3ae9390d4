// docs/commands.md cannot drift from the binary: every (sub)command of the real command tree has a
// "### `ollama-stack <path>`" section, and every long flag of that command appears in backticks
// ("`--flag") inside its section. The failure names everything that is missing.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include "ollama_stack/cli/app.hpp"

namespace ollama_stack::cli {
namespace {

std::string read_commands_doc() {
  std::ifstream in(std::string(OLLAMA_STACK_SOURCE_DIR) + "/docs/commands.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text of the section under "### `<title>`", up to the next "### "; nullopt when absent.
std::optional<std::string> section(const std::string& doc, const std::string& title) {
  const std::string heading = "### `" + title + "`";
  std::size_t at = 0;
  while ((at = doc.find(heading, at)) != std::string::npos) {
    const std::size_t end_of_heading = at + heading.size();
    const bool line_start = at == 0 || doc[at - 1] == '\n';
    const bool line_end = end_of_heading == doc.size() || doc[end_of_heading] == '\n';
    if (line_start && line_end) {
      const std::size_t next = doc.find("\n### ", end_of_heading);
      return doc.substr(end_of_heading,
                        next == std::string::npos ? std::string::npos : next - end_of_heading);
    }
    at = end_of_heading;
  }
  return std::nullopt;
}

bool mentions_flag(const std::string& text, const std::string& flag) {
  const std::string needle = "`" + flag;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    const std::size_t after = at + needle.size();
    if (after == text.size()) return true;
    const char next = text[after];
    if (!(std::isalnum(static_cast<unsigned char>(next)) || next == '-' || next == '_'))
      return true;
  }
  return false;
}

void collect_missing(const CLI::App& app, const std::string& title, const std::string& doc,
                     std::vector<std::string>& missing, int& commands) {
  ++commands;
  const auto text = section(doc, title);
  if (!text) {
    missing.push_back("no section \"### `" + title + "`\"");
  } else {
    for (const CLI::Option* option : app.get_options({})) {
      if (option->get_group().empty()) continue;  // hidden
      for (const auto& name : option->get_lnames()) {
        if (name == "help") continue;  // every command has it
        if (!mentions_flag(*text, "--" + name))
          missing.push_back("`--" + name + "` in the section of `" + title + "`");
      }
    }
  }
  for (const CLI::App* child :
       app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); }))
    collect_missing(*child, title + " " + child->get_name(), doc, missing, commands);
}

TEST(CommandsDoc, EveryVerbAndFlagOfTheBinaryIsDocumented) {
  std::ostringstream out, err;
  Context context(out, err, [](std::string_view) { return std::optional<std::string>(); });
  CLI::App app{"test", "ollama-stack"};
  build_command_tree(app, context);

  const auto doc = read_commands_doc();
  ASSERT_FALSE(doc.empty()) << "docs/commands.md is missing or empty";
  std::vector<std::string> missing;
  int commands = 0;
  collect_missing(app, "ollama-stack", doc, missing, commands);
  EXPECT_GT(commands, 5);  // the walk really saw the tree
  std::string list;
  for (const auto& item : missing) list += "\n  - " + item;
  EXPECT_TRUE(missing.empty()) << "docs/commands.md is missing:" << list;
}

TEST(CommandsDoc, TheCheckerSeesAMissingFlagAndSection) {
  const std::string doc =
      "### `ollama-stack status`\nOptions: `--json` and `--watch`.\n### `ollama-stack x`\n`--tail "
      "N`\n";
  ASSERT_TRUE(section(doc, "ollama-stack status"));
  EXPECT_TRUE(mentions_flag(*section(doc, "ollama-stack status"), "--json"));
  EXPECT_FALSE(mentions_flag(*section(doc, "ollama-stack status"),
                             "--tail"));  // belongs to the next section
  EXPECT_FALSE(
      mentions_flag(*section(doc, "ollama-stack status"), "--wat"));  // a prefix is not the flag
  EXPECT_TRUE(mentions_flag(*section(doc, "ollama-stack x"), "--tail"));
  EXPECT_FALSE(
      section(doc, "ollama-stack"));  // "### `ollama-stack status`" is not the root's heading
  EXPECT_FALSE(section(doc, "ollama-stack stop"));
}

}  // namespace
}  // namespace ollama_stack::cli

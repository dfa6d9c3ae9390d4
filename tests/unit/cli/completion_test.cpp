// Completion answered from the real command tree (complete_words, what `__complete` prints), and
// the scripts loaded and called in the real shells: bash (always), zsh and fish (when installed;
// skipped otherwise). A fake `ollama-stack` script stands in for the binary's `__complete`: it
// checks that the script passed exactly the words of the command line, and prints the answer
// complete_words gives for them on the real tree (service and extension names from fixed sources).
#include "ollama_stack/cli/completion.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "ollama_stack/cli/app.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::cli {
namespace {

using ollama_stack::testing::spit;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::Not;
namespace fs = std::filesystem;

CLI::App& real_tree() {
  static std::ostringstream out, err;
  static Context context(out, err, [](std::string_view) { return std::optional<std::string>(); });
  static CLI::App app{"test", "ollama-stack"};
  static bool built = false;
  if (!built) {
    build_command_tree(app, context);
    built = true;
  }
  return app;
}

CompletionModel real_model() { return completion_model(real_tree()); }

// What the fake binary knows: the names the old `config --services` / `extensions list` gave.
CompletionSources fixed_sources() {
  return {[] {
            return std::vector<std::string>{"ollama", "webui", "mcp_proxy"};
          },
          [] {
            return std::vector<std::string>{"searxng", "comfyui"};
          }};
}

// A fake binary at `path` answering `__complete -- WORDS...` (exactly these words, else nothing,
// exit 1) with complete_words on `model`.
void write_fake(const std::string& path, const CompletionModel& model,
                const std::vector<std::string>& words) {
  std::string expected = "__complete --";
  for (const auto& word : words) expected += " " + word;
  std::string script = "#!/bin/sh\n[ $# -eq " + std::to_string(words.size() + 2) +
                       " ] && [ \"$*\" = '" + expected + "' ] || exit 1\n";
  for (const auto& candidate : complete_words(model, words, fixed_sources()))
    script += "echo '" + candidate + "'\n";
  ollama_stack::testing::spit(path, script);
  fs::permissions(path, fs::perms::owner_all);
}

const CompletionNode& node(const CompletionModel& model, const std::string& path) {
  for (const auto& entry : model.nodes)
    if (entry.path == path) return entry;
  throw std::runtime_error("no node " + path);
}

struct Shell {
  int status = -1;
  std::vector<std::string> lines;
};

// Runs `command` with /bin/sh; stdout split into lines.
Shell run(const std::string& command) {
  Shell result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::string text;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  result.status = ::pclose(pipe);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) result.lines.push_back(line);
  std::sort(result.lines.begin(), result.lines.end());
  return result;
}

bool have(const std::string& program) {
  return run("command -v " + program + " >/dev/null 2>&1").status == 0;
}

class CompletionScripts : public ::testing::Test {
 protected:
  void SetUp() override { fake_ = (temp_.path() / "fake-stack").string(); }
  std::string script(const std::string& shell) {
    const auto path = temp_.path() / ("completion." + shell);
    spit(path, completion_script(shell));
    return path.string();
  }
  // Completes `words` (the last one is the word being completed) in bash.
  Shell bash(const std::vector<std::string>& words) {
    write_fake(fake_, real_model(), {words.begin() + 1, words.end()});
    std::string array;
    for (const auto& word : words) array += " '" + word + "'";
    return run(
        "bash -c 'source \"$1\" && COMP_WORDS=(\"${@:2}\") && COMP_CWORD=$(($# - 2)) && "
        "_ollama_stack && "
        "printf \"%s\\n\" \"${COMPREPLY[@]}\"' bash " +
        script("bash") + array);
  }

  ollama_stack::testing::TempDir temp_;
  std::string fake_;
};

TEST(CompletionModel, ComesFromTheCommandTree) {
  const auto model = real_model();
  EXPECT_THAT(node(model, "").subcommands,
              IsSupersetOf({"start", "stop", "status", "logs", "completion"}));
  EXPECT_THAT(node(model, "").flags, IsSupersetOf({"--host", "--home", "--version", "-v"}));
  EXPECT_THAT(node(model, "logs").flags,
              IsSupersetOf({"--follow", "-f", "--tail", "--host"}));  // globals too
  EXPECT_THAT(node(model, "logs").flags, Not(Contains("--version")));
  EXPECT_EQ(node(model, "logs").args, CompletionNode::Args::services);
  EXPECT_THAT(node(model, "completion").arg_choices, ElementsAre("bash", "zsh", "fish"));
  EXPECT_THAT(model.value_options, IsSupersetOf({"--host", "--tail", "--timeout", "--platform"}));
  EXPECT_THAT(model.value_options, Not(Contains("--json")));
  EXPECT_THAT(model.directory_options, ElementsAre("--home", "--compose-dir"));
}

TEST(CompleteWords, AnswersFromTheTreeAfterOptionsAndTheirValues) {
  const auto model = real_model();
  const auto sources = fixed_sources();
  EXPECT_THAT(complete_words(model, {""}, sources), IsSupersetOf({"start", "logs", "completion"}));
  EXPECT_THAT(complete_words(model, {""}, sources), Not(Contains("__complete")));  // hidden
  EXPECT_THAT(complete_words(model, {"st"}, sources), ElementsAre("start", "stop", "status"));
  EXPECT_THAT(complete_words(model, {"-v", "--home", "/x", "models", "l"}, sources),
              ElementsAre("list", "load"));
  EXPECT_THAT(complete_words(model, {"--home=/x", "logs", "--t"}, sources),
              ElementsAre("--tail", "--timestamps"));
  EXPECT_THAT(complete_words(model, {"logs", "--tail", "5", ""}, sources),
              ElementsAre("ollama", "webui", "mcp_proxy"));
  EXPECT_THAT(complete_words(model, {"logs", "--tail", ""}, sources), ElementsAre());
  EXPECT_THAT(complete_words(model, {"check", "--platform", "a"}, sources),
              ElementsAre("auto", "amd", "apple"));
  EXPECT_THAT(complete_words(model, {"--compose-dir", ""}, sources),
              ElementsAre(std::string(kCompleteDirectories)));
  EXPECT_THAT(complete_words(model, {"extensions", "enable", "s"}, sources),
              ElementsAre("searxng"));
  EXPECT_THAT(complete_words(model, {"no-such-verb", ""}, sources), Not(Contains("ollama")));
}

TEST(CompleteWords, NameSourcesThatFailOfferNothing) {
  const CompletionSources failing{
      []() -> std::vector<std::string> { throw std::runtime_error("no engine"); }, {}};
  EXPECT_THAT(complete_words(real_model(), {"logs", ""}, failing), ElementsAre());
  EXPECT_THAT(complete_words(real_model(), {"extensions", "enable", ""}, failing), ElementsAre());
}

TEST(CompleteVerb, PrintsTheCandidatesOneALineAndIsHidden) {
  std::ostringstream out, err;
  Context context(out, err, [](std::string_view) { return std::optional<std::string>(); });
  EXPECT_EQ(run({"__complete", "--", "--quiet", "logs", "--f"}, context), 0) << err.str();
  EXPECT_EQ(out.str(), "--follow\n");
  EXPECT_EQ(err.str(), "");
  std::ostringstream help_out, help_err;
  Context help(help_out, help_err, [](std::string_view) { return std::optional<std::string>(); });
  EXPECT_EQ(run({"--help"}, help), 0);
  EXPECT_THAT(help_out.str(), Not(::testing::HasSubstr("__complete")));
}

TEST_F(CompletionScripts, BashLoadsAndCompletesVerbsFlagsAndValues) {
  ASSERT_EQ(run("bash -n " + script("bash")).status, 0);
  EXPECT_THAT(bash({fake_, "st"}).lines, ElementsAre("start", "status", "stop"));
  EXPECT_THAT(bash({fake_, "logs", "--t"}).lines, ElementsAre("--tail", "--timestamps"));
  EXPECT_THAT(bash({fake_, "start", "--platform", ""}).lines,
              ElementsAre("amd", "apple", "auto", "cpu", "nvidia"));
  EXPECT_THAT(bash({fake_, "--host", "x", "completion", ""}).lines,
              ElementsAre("bash", "fish", "zsh"));
  EXPECT_TRUE(bash({fake_, "logs", "--tail", ""}).lines.empty());  // a number: nothing to offer
}

TEST_F(CompletionScripts, BashOffersServiceNamesFromTheBinary) {
  EXPECT_THAT(bash({fake_, "logs", "-f", ""}).lines, ElementsAre("mcp_proxy", "ollama", "webui"));
  EXPECT_THAT(bash({fake_, "logs", "--tail", "5", "w"}).lines, ElementsAre("webui"));
  // A binary that fails (no engine, no such verb) gives no names and no noise.
  auto quiet =
      run("bash -c 'source \"$1\" && COMP_WORDS=(/bin/false logs \"\") && COMP_CWORD=2 && "
          "_ollama_stack && "
          "printf \"%s\\n\" \"${COMPREPLY[@]}\"' bash " +
          script("bash") + " 2>&1");
  EXPECT_EQ(quiet.status, 0);
  EXPECT_TRUE(quiet.lines.empty());
}

TEST(CompletionNames, ExtensionNamesComeFromExtensionsListJson) {
  // With an extensions group in the tree, its positional arguments complete extension names
  // (the binary's source is the overview `extensions list --json` prints).
  CLI::App app{"test", "ollama-stack"};
  auto* group = app.add_subcommand("extensions", "Extensions");
  std::vector<std::string> names;
  group->add_subcommand("enable", "Enable")->add_option("name", names, "Extensions");
  const auto model = completion_model(app);
  EXPECT_EQ(node(model, "extensions enable").args, CompletionNode::Args::extensions);
  ollama_stack::testing::TempDir temp;
  const auto script = temp / "c.bash";
  spit(script, completion_script("bash"));
  const auto fake = temp / "fake";
  write_fake(fake.string(), model, {"extensions", "enable", ""});
  auto result =
      run("bash -c 'source \"$1\" && COMP_WORDS=(\"$2\" extensions enable \"\") && COMP_CWORD=3 && "
          "_ollama_stack && printf \"%s\\n\" \"${COMPREPLY[@]}\"' bash " +
          script.string() + " " + fake.string());
  EXPECT_THAT(result.lines, ElementsAre("comfyui", "searxng"));
}

TEST_F(CompletionScripts, ZshLoadsAndCompletes) {
  if (!have("zsh")) GTEST_SKIP() << "zsh is not installed (Debian: apt-get install zsh)";
  ASSERT_EQ(run("zsh -n " + script("zsh")).status, 0);
  // compadd/compdef/_files stubbed: the function's candidates are printed one a line.
  const std::string prelude =
      "compdef() { :; }; _files() { :; }; compadd() { [[ $1 == -- ]] && shift; print -l -- \"$@\"; "
      "}; ";
  auto complete = [&](const std::vector<std::string>& words) {
    write_fake(fake_, real_model(), words);
    std::string array = fake_;
    for (const auto& word : words) array += " \"" + word + "\"";
    return run("zsh -c '" + prelude + "source " + script("zsh") + "; words=(" + array +
               "); CURRENT=" + std::to_string(words.size() + 1) + "; _ollama_stack'");
  };
  EXPECT_THAT(complete({"st"}).lines, IsSupersetOf({"start", "status", "stop"}));
  EXPECT_THAT(complete({"logs", ""}).lines, IsSupersetOf({"ollama", "webui", "mcp_proxy"}));
  EXPECT_THAT(complete({"check", "--platform", ""}).lines,
              ElementsAre("amd", "apple", "auto", "cpu", "nvidia"));
}

TEST_F(CompletionScripts, FishLoadsAndCompletes) {
  if (!have("fish")) GTEST_SKIP() << "fish is not installed (Debian: apt-get install fish)";
  ASSERT_EQ(run("fish -n " + script("fish")).status, 0);
  // The completion is registered for "ollama-stack"; the fake binary answers under that name.
  const auto bin = temp_.path() / "bin";
  fs::create_directories(bin);
  auto complete = [&](const std::string& line) {
    std::vector<std::string> words;  // after the program name; the last is being completed
    std::istringstream in(line.substr(line.find(' ') + 1));
    for (std::string word; std::getline(in, word, ' ');) words.push_back(word);
    if (line.ends_with(' ')) words.push_back("");
    write_fake((bin / "ollama-stack").string(), real_model(), words);
    return run("PATH=" + bin.string() + ":$PATH fish -c 'source " + script("fish") +
               "; complete -C\"" + line + "\"'");
  };
  EXPECT_THAT(complete("ollama-stack st").lines, ElementsAre("start", "status", "stop"));
  EXPECT_THAT(complete("ollama-stack logs ").lines, IsSupersetOf({"ollama", "webui", "mcp_proxy"}));
  EXPECT_THAT(complete("ollama-stack check --pla").lines, ElementsAre("--platform"));
}

}  // namespace
}  // namespace ollama_stack::cli

#pragma once
// The tar archive the Engine's /build takes: a directory's files, minus what .dockerignore
// excludes (the Dockerfile and .dockerignore are always sent).
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::compose {

// The name under which build.dockerfile_inline is added to the context (pass it as the
// dockerfile of the build).
inline constexpr const char* kInlineDockerfile = ".ollama-stack.Dockerfile";

// Throws Error when the directory cannot be read. A non-empty `dockerfile_inline` is added as
// kInlineDockerfile.
std::string make_build_context(const std::string& directory, const std::string& dockerfile,
                               const std::string& dockerfile_inline = {});

// Whether `relative_path` is excluded by .dockerignore `patterns` (later patterns win; "!" re-
// includes; "**" matches any number of directories; a pattern matching a directory excludes
// what is below it).
bool dockerignore_excludes(const std::vector<std::string>& patterns, std::string_view relative_path);

// Parses .dockerignore text: one pattern a line, "#" comments, blank lines ignored, cleaned paths.
std::vector<std::string> parse_dockerignore(std::string_view text);

}  // namespace ollama_stack::compose

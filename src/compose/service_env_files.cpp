// env_file and label_file: the files a service reads its environment or labels from.
#include <fmt/format.h>

#include "node_values.hpp"
#include "ollama_stack/compose/convert.hpp"
#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/compose/text_decode.hpp"
#include "ollama_stack/util/error.hpp"
#include "service_fields.hpp"

namespace ollama_stack::compose {
namespace {

// `KEY=VALUE` lines taken as written: no quotes, escapes nor interpolation (env_file format: raw).
std::vector<DotenvEntry> parse_raw_env(std::string_view text) {
  std::vector<DotenvEntry> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    out.push_back({std::string(line.substr(0, equals)), std::string(line.substr(equals + 1))});
  }
  return out;
}

}  // namespace

// env_file / label_file entries, in order; later files win. Long syntax: {path, required, format}.
std::map<std::string, std::string> key_value_files(const Node& node, std::string_view path,
                                                   const ConvertContext& context,
                                                   bool long_syntax) {
  struct FileEntry {
    const Node* where;
    std::string at;
    std::string name;
    bool required = true;
    bool raw = false;
  };
  std::vector<FileEntry> files;
  if (node.is_scalar()) {
    files.push_back({&node, std::string(path), node.value});
  } else {
    require_sequence(node, path);
    for (size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      FileEntry entry{&item, index_path(path, i), {}};
      if (long_syntax && item.is_mapping()) {
        check_keys(item, entry.at, {"path", "required", "format"}, true);
        const Node* file = item.find("path");
        if (file == nullptr) fail_at(item, entry.at, "needs a path");
        entry.name = as_string(*file, join_path(entry.at, "path"));
        if (const Node* required = item.find("required"); required && !required->is_null())
          entry.required = as_bool(*required, join_path(entry.at, "required"));
        if (const Node* format = item.find("format"); format && !format->is_null()) {
          const std::string text = as_string(*format, join_path(entry.at, "format"));
          if (text != "raw")
            fail_at(*format, join_path(entry.at, "format"),
                    fmt::format("\"{}\" is not a format (raw)", text));
          entry.raw = true;
        }
      } else {
        entry.name = as_string(item, entry.at);
      }
      files.push_back(std::move(entry));
    }
  }
  std::map<std::string, std::string> out;
  for (const auto& file : files) {
    if (file.name.empty()) fail_at(*file.where, file.at, "the file name is empty");
    if (context.partial) continue;
    const std::string absolute = absolute_path(context.working_dir, file.name);
    auto bytes = context.read(absolute);
    if (!bytes) {
      if (!file.required) continue;
      fail_at(*file.where, file.at, fmt::format("cannot read {}", absolute),
              "create the file, or remove it from the list (or mark it required: false)");
    }
    const std::string text = decode_text(*bytes, absolute);
    for (auto& entry :
         file.raw ? parse_raw_env(text) : parse_dotenv(text, absolute, context.lookup))
      out[entry.key] = std::move(entry.value);
  }
  return out;
}

}  // namespace ollama_stack::compose

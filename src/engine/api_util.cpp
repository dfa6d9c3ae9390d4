// Small pure helpers of the engine client: filters, versions, references, error bodies.
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::engine {

std::string url_escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string encode_filters(const Filters& filters) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [key, values] : filters) json[key] = values;
  return url_escape(json.dump());
}

int compare_api_versions(const std::string& a, const std::string& b) {
  auto parse = [](const std::string& version) {
    int major = 0, minor = 0;
    auto dot = version.find('.');
    std::from_chars(version.data(), version.data() + (dot == std::string::npos ? version.size() : dot), major);
    if (dot != std::string::npos) std::from_chars(version.data() + dot + 1, version.data() + version.size(), minor);
    return std::pair{major, minor};
  };
  auto left = parse(a), right = parse(b);
  if (left == right) return 0;
  return left < right ? -1 : 1;
}

std::pair<std::string, std::string> split_image_reference(const std::string& reference) {
  if (reference.find('@') != std::string::npos) return {reference, ""};
  auto slash = reference.rfind('/');
  auto colon = reference.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
    return {reference.substr(0, colon), reference.substr(colon + 1)};
  return {reference, "latest"};
}

std::string error_message_from_body(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("message") && json["message"].is_string())
    return json["message"].get<std::string>();
  std::string text = body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace ollama_stack::engine

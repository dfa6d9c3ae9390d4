#include "ollama_stack/stack/models/pull_stream.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace ollama_stack::stack {
namespace {

std::optional<int64_t> number_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  if (it->is_number_unsigned()) return static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX));
  return std::max<int64_t>(0, it->get<int64_t>());
}

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

}  // namespace

PullEvent parse_pull_line(std::string_view line) {
  PullEvent event;
  line = trim(line);
  auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    constexpr std::size_t kQuoted = 120;
    std::string quoted(line.substr(0, kQuoted));
    if (line.size() > kQuoted) quoted += "…";
    event.error = "unexpected answer from Ollama: " + quoted;
    return event;
  }
  event.status = string_field(json, "status");
  event.digest = string_field(json, "digest");
  event.total = number_field(json, "total");
  event.completed = number_field(json, "completed");
  if (auto it = json.find("error"); it != json.end() && !it->is_null())
    event.error = it->is_string() ? it->get<std::string>() : it->dump();
  return event;
}

std::vector<PullEvent> PullStreamParser::feed(std::string_view bytes) {
  std::vector<PullEvent> events;
  pending_.append(bytes);
  std::size_t start = 0;
  for (std::size_t newline; (newline = pending_.find('\n', start)) != std::string::npos; start = newline + 1) {
    std::string_view line(pending_.data() + start, newline - start);
    if (!trim(line).empty()) events.push_back(parse_pull_line(line));
  }
  pending_.erase(0, start);
  return events;
}

std::vector<PullEvent> PullStreamParser::finish() {
  std::vector<PullEvent> events;
  if (!trim(pending_).empty()) events.push_back(parse_pull_line(pending_));
  pending_.clear();
  return events;
}

void PullTracker::apply(const PullEvent& event) {
  if (!event.error.empty()) {
    error_ = event.error;
    return;
  }
  if (!event.status.empty()) last_status_ = event.status;
  if (event.status == "success") succeeded_ = true;
  if (event.digest.empty()) return;
  auto it = std::find_if(layers_.begin(), layers_.end(), [&](const PullLayer& l) { return l.digest == event.digest; });
  if (it == layers_.end()) {
    layers_.push_back({event.digest});
    it = layers_.end() - 1;
  }
  if (event.total) it->total = *event.total;
  if (event.completed) it->completed = *event.completed;
}

const PullLayer* PullTracker::layer(const std::string& digest) const {
  auto it = std::find_if(layers_.begin(), layers_.end(), [&](const PullLayer& l) { return l.digest == digest; });
  return it == layers_.end() ? nullptr : &*it;
}

int64_t PullTracker::total_bytes() const {
  int64_t sum = 0;
  for (const auto& l : layers_) sum += l.total;
  return sum;
}

int64_t PullTracker::completed_bytes() const {
  int64_t sum = 0;
  for (const auto& l : layers_) sum += std::min(l.completed, l.total > 0 ? l.total : l.completed);
  return sum;
}

std::string short_digest(std::string_view digest) {
  if (auto colon = digest.find(':'); colon != std::string_view::npos) digest.remove_prefix(colon + 1);
  return std::string(digest.substr(0, 12));
}

}  // namespace ollama_stack::stack

// Engine client: streaming calls — logs, stats, archives, exec, pull, build, events.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"

namespace ollama_stack::engine {
namespace {

using Kind = EngineError::Kind;

// Splits a byte stream into JSON lines and hands each parsed object over.
class JsonLines {
 public:
  template <typename Handler>
  bool feed(std::string_view bytes, Handler&& on_object) {
    buffer_.append(bytes);
    size_t start = 0;
    for (auto newline = buffer_.find('\n'); newline != std::string::npos; newline = buffer_.find('\n', start)) {
      std::string_view line(buffer_.data() + start, newline - start);
      start = newline + 1;
      if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
      auto json = nlohmann::json::parse(line, nullptr, false);
      if (json.is_discarded()) continue;  // the engine never sends partial objects on one line
      if (!on_object(json)) return false;
    }
    buffer_.erase(0, start);
    return true;
  }

 private:
  std::string buffer_;
};

std::string format_seconds(double seconds) { return fmt::format("{:.9f}", seconds); }

ProgressEvent progress_of(const nlohmann::json& line) {
  ProgressEvent event;
  event.id = line.value("id", "");
  event.status = line.value("status", "");
  if (line.contains("progressDetail") && line["progressDetail"].is_object()) {
    event.current = line["progressDetail"].value("current", int64_t{0});
    event.total = line["progressDetail"].value("total", int64_t{0});
  }
  return event;
}

// Errors can arrive inside a 200 stream: {"errorDetail":{"message":…},"error":…}.
std::optional<std::string> stream_error(const nlohmann::json& line) {
  if (line.contains("errorDetail") && line["errorDetail"].is_object())
    return line["errorDetail"].value("message", line.value("error", "unknown error"));
  if (line.contains("error") && line["error"].is_string()) return line["error"].get<std::string>();
  return std::nullopt;
}

}  // namespace

void Client::logs(const std::string& id, const LogOptions& options, bool tty,
                  const std::function<bool(LogStream, std::string_view)>& on_line,
                  const std::function<bool()>& cancelled) {
  std::string path = fmt::format("/containers/{}/logs?stdout={}&stderr={}&follow={}&tail={}&timestamps={}", id,
                                 options.stdout_ ? 1 : 0, options.stderr_ ? 1 : 0, options.follow ? 1 : 0,
                                 url_escape(options.tail), options.timestamps ? 1 : 0);
  if (options.since) path += "&since=" + format_seconds(*options.since);
  if (options.until) path += "&until=" + format_seconds(*options.until);
  LogDemuxer demuxer(tty);
  LineAssembler lines;
  bool keep_going = true;
  auto deliver = [&](LogStream stream, std::string_view line) {
    if (keep_going && !on_line(stream, line)) keep_going = false;
  };
  HttpRequest request{.method = "GET", .path = versioned(path)};
  request.timeout = std::chrono::milliseconds(0);  // a stream: its reader may pause it (logs streams with flat memory)
  request.cancelled = cancelled;
  request.on_data = [&](std::string_view bytes) {
    demuxer.feed(bytes, [&](LogStream stream, std::string_view payload) { lines.feed(stream, payload, deliver); });
    return keep_going;
  };
  call(request, {200});
  if (keep_going) lines.flush(deliver);
}

StatsSample Client::stats_once(const std::string& id) {
  auto response = call({.method = "GET", .path = versioned("/containers/" + id + "/stats?stream=0&one-shot=1")}, {200});
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) throw EngineError(Kind::protocol, "the engine's stats answer is not valid JSON");
  return parse_stats(json);
}

void Client::get_archive(const std::string& id, const std::string& path,
                         const std::function<bool(std::string_view)>& on_data) {
  HttpRequest request{.method = "GET", .path = versioned("/containers/" + id + "/archive?path=" + url_escape(path))};
  request.timeout = std::chrono::milliseconds(0);
  request.on_data = on_data;
  call(request, {200});
}

void Client::put_archive(const std::string& id, const std::string& path, std::string tar_bytes,
                         bool copy_uid_gid) {
  std::string target = "/containers/" + id + "/archive?path=" + url_escape(path);
  if (copy_uid_gid) target += "&copyUIDGID=1";
  HttpRequest request{.method = "PUT",
                      .path = versioned(target),
                      .body = std::move(tar_bytes),
                      .content_type = "application/x-tar"};
  request.timeout = std::chrono::milliseconds(0);
  call(request, {200});
}

void Client::put_archive_stream(const std::string& id, const std::string& path,
                                const std::function<size_t(char* buffer, size_t size)>& reader) {
  HttpRequest request{.method = "PUT", .path = versioned("/containers/" + id + "/archive?path=" + url_escape(path)),
                      .content_type = "application/x-tar"};
  request.timeout = std::chrono::milliseconds(0);
  request.body_reader = reader;
  call(request, {200});
}

ExecResult Client::exec(const std::string& container_id, const std::vector<std::string>& cmd,
                        std::chrono::milliseconds timeout) {
  nlohmann::json create{{"AttachStdout", true}, {"AttachStderr", true}, {"Tty", false}, {"Cmd", cmd}};
  auto created = call({.method = "POST", .path = versioned("/containers/" + container_id + "/exec"),
                       .body = create.dump(), .content_type = "application/json"},
                      {201});
  const std::string exec_id = nlohmann::json::parse(created.body, nullptr, false).value("Id", "");
  ExecResult result;
  LogDemuxer demuxer(false);
  HttpRequest start{.method = "POST", .path = versioned("/exec/" + exec_id + "/start"),
                    .body = R"({"Detach":false,"Tty":false})", .content_type = "application/json"};
  start.timeout = timeout;
  start.on_data = [&](std::string_view bytes) {
    demuxer.feed(bytes, [&](LogStream stream, std::string_view payload) {
      (stream == LogStream::stderr_ ? result.err : result.out).append(payload);
    });
    return true;
  };
  call(start, {200});
  auto inspected = nlohmann::json::parse(
      call({.method = "GET", .path = versioned("/exec/" + exec_id + "/json")}, {200}).body, nullptr, false);
  result.exit_code = inspected.value("ExitCode", -1);
  return result;
}

void Client::pull_image(const std::string& reference,
                        const std::function<void(const ProgressEvent&)>& on_event,
                        const std::function<bool()>& cancelled, const std::string& platform) {
  auto [repository, tag] = split_image_reference(reference);
  std::string path = "/images/create?fromImage=" + url_escape(repository);
  if (!tag.empty()) path += "&tag=" + url_escape(tag);
  if (!platform.empty()) path += "&platform=" + url_escape(platform);
  std::optional<std::string> failure;
  JsonLines lines;
  HttpRequest request{.method = "POST", .path = versioned(path)};
  request.timeout = std::chrono::milliseconds(0);
  request.cancelled = cancelled;
  request.on_data = [&](std::string_view bytes) {
    return lines.feed(bytes, [&](const nlohmann::json& line) {
      if (auto error = stream_error(line)) {
        failure = *error;
        return false;
      }
      if (on_event) on_event(progress_of(line));
      return true;
    });
  };
  try {
    call(request, {200});
  } catch (const EngineError& error) {
    if (error.kind() == Kind::cancelled) throw;
    throw EngineError(error.kind(), fmt::format("pulling {} failed: {}", reference, error.what()),
                      "check the image name and that a registry is reachable (or load the image locally)",
                      error.http_status());
  }
  if (failure) {
    throw EngineError(Kind::server, fmt::format("pulling {} failed: {}", reference, *failure),
                      "check the image name and that a registry is reachable (or load the image locally)");
  }
}

std::string Client::build_image(const std::string& context_tar, const std::string& tag, const std::string& dockerfile,
                                const std::map<std::string, std::string>& args, const std::string& target,
                                const std::function<void(const ProgressEvent&)>& on_event) {
  BuildOptions options;
  options.tag = tag;
  options.dockerfile = dockerfile;
  options.args = args;
  options.target = target;
  return build_image(context_tar, options, on_event);
}

std::string Client::build_image(const std::string& context_tar, const BuildOptions& options,
                                const std::function<void(const ProgressEvent&)>& on_event) {
  const std::string& tag = options.tag;
  std::string path = "/build?rm=1&forcerm=1&t=" + url_escape(tag);
  for (const auto& more : options.more_tags) path += "&t=" + url_escape(more);
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) path += fmt::format("&{}={}", key, url_escape(value));
  };
  add("dockerfile", options.dockerfile);
  add("target", options.target);
  add("networkmode", options.network);
  add("platform", options.platform);
  add("isolation", options.isolation);
  add("remote", options.remote);
  if (!options.args.empty()) add("buildargs", nlohmann::json(options.args).dump());
  if (!options.labels.empty()) add("labels", nlohmann::json(options.labels).dump());
  if (!options.cache_from.empty()) add("cachefrom", nlohmann::json(options.cache_from).dump());
  if (!options.extra_hosts.empty())
    add("extrahosts", fmt::format("{}", fmt::join(options.extra_hosts, ",")));
  if (!options.ulimits.is_null()) add("ulimits", options.ulimits.dump());
  if (options.shm_size > 0) path += fmt::format("&shmsize={}", options.shm_size);
  if (options.no_cache) path += "&nocache=1";
  if (options.pull) path += "&pull=1";
  std::optional<std::string> failure;
  std::string image_id;
  JsonLines lines;
  HttpRequest request{.method = "POST", .path = versioned(path), .body = context_tar,
                      .content_type = "application/x-tar"};
  request.timeout = std::chrono::milliseconds(0);
  request.on_data = [&](std::string_view bytes) {
    return lines.feed(bytes, [&](const nlohmann::json& line) {
      if (auto error = stream_error(line)) {
        failure = *error;
        return false;
      }
      if (line.contains("aux") && line["aux"].is_object()) image_id = line["aux"].value("ID", image_id);
      if (on_event && line.contains("stream")) on_event(ProgressEvent{"", line.value("stream", ""), 0, 0});
      return true;
    });
  };
  call(request, {200});
  if (failure) throw EngineError(Kind::bad_request, fmt::format("building {} failed: {}", tag, *failure));
  if (image_id.empty()) {
    if (auto image = inspect_image(tag)) image_id = image->id;
  }
  return image_id;
}

void Client::events(const Filters& filters, const std::function<bool(const Event&)>& on_event,
                    std::optional<int64_t> since, std::optional<int64_t> until,
                    const std::function<bool()>& cancelled) {
  std::string path = "/events?filters=" + encode_filters(filters);
  if (since) path += fmt::format("&since={}", *since);
  if (until) path += fmt::format("&until={}", *until);
  JsonLines lines;
  HttpRequest request{.method = "GET", .path = versioned(path)};
  request.timeout = std::chrono::milliseconds(0);
  request.cancelled = cancelled;
  request.on_data = [&](std::string_view bytes) {
    return lines.feed(bytes, [&](const nlohmann::json& line) {
      Event event;
      event.type = line.value("Type", "");
      event.action = line.value("Action", "");
      event.time_nano = line.value("timeNano", int64_t{0});
      if (line.contains("Actor") && line["Actor"].is_object()) {
        event.id = line["Actor"].value("ID", "");
        const auto attributes = line["Actor"].value("Attributes", nlohmann::json::object());
        for (const auto& [key, value] : attributes.items())
          if (value.is_string()) event.attributes[key] = value.get<std::string>();
      }
      return on_event(event);
    });
  };
  call(request, {200});
}

}  // namespace ollama_stack::engine

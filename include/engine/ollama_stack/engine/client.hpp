#pragma once
// The Docker Engine API client: one method per engine call the product needs, typed results,
// typed errors (EngineError). Thread-safe: calls may run in parallel.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ollama_stack/engine/log_stream.hpp"
#include "ollama_stack/engine/transport.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::engine {

// The oldest API this client speaks, and the newest it asks for.
inline constexpr const char* kMinApiVersion = "1.41";
inline constexpr const char* kMaxApiVersion = "1.45";
// /info lists the engine's discovered devices (CDI GPUs) only when asked at API 1.50 or newer.
inline constexpr const char* kDevicesApiVersion = "1.50";

struct LogOptions {
  bool stdout_ = true;
  bool stderr_ = true;
  bool follow = false;
  std::string tail = "all";  // "all" or a number
  std::optional<double> since;  // unix seconds
  std::optional<double> until;
  bool timestamps = false;
};

class Client {
 public:
  explicit Client(std::unique_ptr<Transport> transport);

  // Where the engine is, for messages.
  std::string describe() const { return transport_->describe(); }
  // The negotiated API version ("1.41"); negotiates on first use.
  std::string api_version();

  // System
  PingResult ping(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  VersionInfo version();
  EngineInfo info();
  nlohmann::json system_df();
  // Each volume's size in bytes as /system/df measures it (-1 where the engine does not say).
  std::map<std::string, int64_t> volume_sizes();

  // Containers
  std::vector<ContainerSummary> list_containers(const Filters& filters, bool all = true);
  // Returns the new id. `body` is the Engine's create body; `platform` ("os/arch") picks the
  // image's variant ("" = the engine's).
  std::string create_container(const std::string& name, const nlohmann::json& body,
                               const std::string& platform = {});
  bool start_container(const std::string& id);  // false when already running (304)
  bool stop_container(const std::string& id, int timeout_seconds);  // false when already stopped
  void rename_container(const std::string& id, const std::string& new_name);
  void kill_container(const std::string& id, const std::string& signal = "SIGKILL");
  void remove_container(const std::string& id, bool force, bool remove_anonymous_volumes);
  ContainerInspect inspect_container(const std::string& id);
  std::optional<ContainerInspect> find_container(const std::string& id);  // nullopt on 404
  // Blocks until the condition ("not-running", "next-exit", "removed"); returns the exit code.
  int wait_container(const std::string& id, const std::string& condition = "not-running",
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Streams log lines; `tty` says whether the container has a TTY (raw stream) — pass
  // inspect_container(id).tty. Return false from on_line to stop following.
  void logs(const std::string& id, const LogOptions& options, bool tty,
            const std::function<bool(LogStream, std::string_view)>& on_line,
            const std::function<bool()>& cancelled = {});
  // One stats sample without the engine's 1 s pre-sample (precpu zeroed).
  StatsSample stats_once(const std::string& id);
  // tar of `path` inside the container / extract a tar into `path`.
  void get_archive(const std::string& id, const std::string& path,
                   const std::function<bool(std::string_view)>& on_data);
  // `copy_uid_gid` keeps the tar entries' owners (else the files belong to the container's root).
  void put_archive(const std::string& id, const std::string& path, std::string tar_bytes,
                   bool copy_uid_gid = false);
  // The same, streamed: the tar is read from `reader` as it is sent (fill up to `size` bytes,
  // return how many, 0 at the end), so no whole archive is held in memory.
  void put_archive_stream(const std::string& id, const std::string& path,
                          const std::function<size_t(char* buffer, size_t size)>& reader);

  // Exec (in-container checks)
  ExecResult exec(const std::string& container_id, const std::vector<std::string>& cmd,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

  // Networks
  std::string create_network(const std::string& name, const std::string& driver,
                             const Labels& labels);
  std::string create_network(const std::string& name, const NetworkOptions& options);
  std::vector<NetworkInfo> list_networks(const Filters& filters);
  std::optional<NetworkInfo> inspect_network(const std::string& id_or_name);  // nullopt on 404
  void remove_network(const std::string& id_or_name);
  void connect_network(const std::string& network, const std::string& container,
                       const std::vector<std::string>& aliases);
  // `endpoint` is the EndpointSettings object (Aliases, IPAMConfig, Links, DriverOpts, ...).
  void connect_network(const std::string& network, const std::string& container,
                       const nlohmann::json& endpoint);
  void disconnect_network(const std::string& network, const std::string& container, bool force = false);

  // Volumes
  VolumeInfo create_volume(const std::string& name, const std::string& driver, const Labels& labels,
                           const std::map<std::string, std::string>& driver_opts = {});
  std::vector<VolumeInfo> list_volumes(const Filters& filters);
  std::optional<VolumeInfo> inspect_volume(const std::string& name);  // nullopt on 404
  void remove_volume(const std::string& name, bool force = false);

  // Images
  std::vector<ImageInfo> list_images(const Filters& filters);
  std::optional<ImageInfo> inspect_image(const std::string& reference);  // nullopt on 404
  // Pulls one image (an empty tag means "latest", never "all tags"). Errors inside the stream
  // are thrown as EngineError.
  void pull_image(const std::string& reference,
                  const std::function<void(const ProgressEvent&)>& on_event,
                  const std::function<bool()>& cancelled = {}, const std::string& platform = {});
  // Builds from a tar context; returns the image id.
  std::string build_image(const std::string& context_tar, const std::string& tag,
                          const std::string& dockerfile, const std::map<std::string, std::string>& args,
                          const std::string& target,
                          const std::function<void(const ProgressEvent&)>& on_event);
  std::string build_image(const std::string& context_tar, const BuildOptions& options,
                          const std::function<void(const ProgressEvent&)>& on_event);
  void remove_image(const std::string& reference, bool force = false);
  // Gives the image `source` (id or reference) the name `target` ("repo:tag"), like `docker tag`.
  void tag_image(const std::string& source, const std::string& target);
  // Digests of the registries an image came from (RepoDigests); empty for an image that was only
  // built, imported or tagged here. nullopt when the image is absent.
  std::optional<std::vector<std::string>> image_repo_digests(const std::string& reference);

  // Events: calls on_event for each event until it returns false, `until` passes, or cancelled.
  void events(const Filters& filters, const std::function<bool(const Event&)>& on_event,
              std::optional<int64_t> since = std::nullopt, std::optional<int64_t> until = std::nullopt,
              const std::function<bool()>& cancelled = {});

 private:
  HttpResponse call(HttpRequest request, std::initializer_list<int> ok_statuses);
  std::string versioned(const std::string& path);
  [[noreturn]] void throw_api_error(const HttpRequest& request, const HttpResponse& response);

  std::unique_ptr<Transport> transport_;
  std::once_flag negotiated_;
  std::string api_version_;
  std::string server_api_version_;
};

// Splits an image reference into repository and tag ("ollama/ollama:0.3" -> {"ollama/ollama",
// "0.3"}; no tag -> "latest"; a digest is kept in the repository with an empty tag).
std::pair<std::string, std::string> split_image_reference(const std::string& reference);

// Percent-encodes a query value.
std::string url_escape(std::string_view text);

// URL-encodes `filters` as the engine's JSON filter argument.
std::string encode_filters(const Filters& filters);

// Compares dotted API versions: <0, 0, >0.
int compare_api_versions(const std::string& a, const std::string& b);

// CPU % and memory as `docker stats` computes them.
ResourceUsage compute_usage(const StatsSample& previous, const StatsSample& current);
StatsSample parse_stats(const nlohmann::json& stats);

// Extracts the engine's message from an error body (JSON {"message"} or plain text).
std::string error_message_from_body(const std::string& body);

}  // namespace ollama_stack::engine

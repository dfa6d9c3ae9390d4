#include "ollama_stack/stack/backup/volume_access.hpp"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"
#include "ollama_stack/util/random_bytes.hpp"

namespace ollama_stack::stack {
namespace {

std::string access_name(const std::string& volume) {
  return volume + "-access-" + util::to_hex(util::random_bytes(4));
}

// Bytes handed from one thread to another with a bound on what waits in between. Either side may
// abort it; the other then stops with ChannelAborted (the aborting side reports the cause).
class ByteChannel {
 public:
  struct Aborted {};

  void push(std::string_view bytes) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return aborted_ || queued_ < kCapacity; });
    if (aborted_) throw Aborted{};
    chunks_.emplace_back(bytes);
    queued_ += bytes.size();
    changed_.notify_all();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  void abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    changed_.notify_all();
  }
  // Up to `size` bytes; 0 at the end.
  size_t pull(char* buffer, size_t size) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return aborted_ || closed_ || !chunks_.empty(); });
    if (aborted_) throw Aborted{};
    size_t given = 0;
    while (given < size && !chunks_.empty()) {
      auto& chunk = chunks_.front();
      const size_t n = std::min(size - given, chunk.size() - offset_);
      std::memcpy(buffer + given, chunk.data() + offset_, n);
      given += n;
      offset_ += n;
      queued_ -= n;
      if (offset_ == chunk.size()) chunks_.pop_front(), offset_ = 0;
    }
    changed_.notify_all();
    return given;
  }

 private:
  static constexpr size_t kCapacity = 4 * 1024 * 1024;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  size_t offset_ = 0;
  size_t queued_ = 0;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace

void copy_volume(engine::Client& client, const std::string& from, const std::string& to, const std::string& image,
                 const std::string& installation, const std::function<bool()>& cancelled) {
  VolumeAccess source(client, from, image, installation);
  VolumeAccess target(client, to, image, installation);
  ByteChannel channel;
  // Task 0 reads `from`, task 1 writes `to`; a failure on one side aborts the other.
  util::parallel_for_each(2, [&](size_t side) {
    try {
      if (side == 0) {
        source.export_tar([&](std::string_view bytes) {
          channel.push(bytes);
          return true;
        });
        channel.close();
      } else {
        target.import_tar([&](char* buffer, size_t size) {
          if (cancelled && cancelled()) throw Interrupted();
          return channel.pull(buffer, size);
        });
        channel.abort();  // the engine has the whole tar; a reader still sending only pads it
      }
    } catch (const ByteChannel::Aborted&) {
      // The other side failed and says why.
    } catch (...) {
      channel.abort();
      throw;
    }
  });
}

VolumeAccess::VolumeAccess(engine::Client& client, const std::string& volume, const std::string& image,
                           const std::string& installation)
    : client_(client) {
  // Never started: the entrypoint only has to exist in the create body, not in the image.
  nlohmann::json body{
      {"Image", image},
      {"Entrypoint", {"/ollama-stack-volume-access"}},
      {"Cmd", nlohmann::json::array()},
      {"NetworkDisabled", true},
      {"Labels", {{labels::kInstallation, installation}, {kVolumeAccessLabel, volume}}},
      {"HostConfig",
       {{"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", std::string("/") + kVolumeMountDir}}}}}}};
  id_ = client_.create_container(access_name(volume), body);
}

VolumeAccess::~VolumeAccess() {
  try {
    client_.remove_container(id_, true, false);
  } catch (const std::exception&) {
    // Best effort: the label lets uninstall find a leftover.
  }
}

void VolumeAccess::export_tar(const std::function<bool(std::string_view)>& on_data) {
  client_.get_archive(id_, std::string("/") + kVolumeMountDir, on_data);
}

void VolumeAccess::import_tar(const ByteReader& reader) { client_.put_archive_stream(id_, "/", reader); }

void pull_access_image(engine::Client& client, const std::string& reference,
                       const ProgressCallback& progress, const std::function<bool()>& cancelled,
                       const std::function<Error(const std::string& why)>& failure) {
  using State = ProgressUpdate::State;
  const std::string task = "image:" + reference;
  if (progress) progress({task, reference, State::running, "pulling", 0, 0});
  try {
    client.pull_image(reference, nullptr, cancelled);
  } catch (const engine::EngineError& error) {
    if (error.kind() == engine::EngineError::Kind::cancelled) throw Interrupted();
    if (progress) progress({task, reference, State::failed, error.what(), 0, 0});
    throw failure(error.what());
  }
  if (progress) progress({task, reference, State::done, "pulled", 0, 0});
}

}  // namespace ollama_stack::stack

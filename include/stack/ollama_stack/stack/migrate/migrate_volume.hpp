#pragma once
// `migrate --from-volume SERVICE=VOLUME`: a stack the user ran by hand (`docker run -v
// ollama:/root/.ollama`, `-v open-webui:/app/backend/data`, or a compose project) keeps its data
// in a volume of its own; this copies that volume's content into the stack's volume for SERVICE
// (src/stack/backup/volume_copy.hpp: streamed, every file's SHA-256 verified). The source volume is only read
// and always kept. A target that already holds data is refused unless forced (then its content is
// replaced); a copy that fails or is interrupted leaves the target as empty as it was found.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct VolumeRequest {
  std::string service;
  std::string volume;
};

// "SERVICE=VOLUME"; throws Error(usage) naming the text when it is not of that form.
VolumeRequest parse_volume_request(std::string_view text);

struct VolumeMigration {
  std::string service;
  std::string source;         // engine name of the volume to copy from
  std::string target;         // the stack's volume for the service (engine name)
  std::string target_key;     // its key in the compose project ("ollama_data")
  int64_t source_bytes = -1;  // as the engine measures it (-1: unknown)
  int64_t target_bytes = -1;
  bool target_exists = false;
  bool target_has_content = false;
  std::vector<std::string> source_running;  // running containers using the source (names)
  std::vector<std::string> target_users;    // containers of any state using the target
  // Filled in by migrate_volumes:
  bool copied = false;
  bool replaced = false;  // the target's earlier content was replaced (force)
  uint64_t files = 0;
  uint64_t bytes = 0;

  // Why this copy would be refused (one sentence), "" when it may go ahead.
  std::string refusal(bool force) const;
};

// Works out each copy (the engine's view of source and target); changes nothing. Throws Error
// (failed) for a service without exactly one volume of its own, a source volume that does not
// exist, or one that is the target itself.
std::vector<VolumeMigration> plan_volume_migrations(Session& session,
                                                    const std::vector<VolumeRequest>& requests);

struct VolumeMigrationOptions {
  bool force = false;
  ProgressCallback progress;  // "volume:<target>" tasks with bytes
  std::function<bool()> cancelled;
};

// Checks every copy first (a refusal changes nothing at all), then copies one after the other.
// Throws Error(failed) with the refusal, or naming the volume whose copy failed (the copies before
// it stay done); Interrupted when cancelled.
void migrate_volumes(Session& session, std::vector<VolumeMigration>& plan,
                     const VolumeMigrationOptions& options);

// ---- finding the volumes a user may want to bring over ----

struct VolumeCandidate {
  std::string volume;
  std::string service;  // the stack's service whose data it looks like
  std::string why;      // "mounted at /root/.ollama by container ollama (exited)"
  int64_t bytes = -1;
};

// Pure: volumes outside the installation that look like a service's data — mounted by some
// container at the path where the stack's service keeps it (`data_paths`: container path ->
// service), or named like upstream's examples (`ollama`, `open-webui`, `<project>_ollama`, ...)
// or another installation's volume for the service (`volume_keys`: compose key -> service).
std::vector<VolumeCandidate> find_volume_candidates(
    const std::vector<engine::ContainerSummary>& containers,
    const std::vector<engine::VolumeInfo>& volumes, const std::string& installation,
    const std::map<std::string, std::string>& data_paths,
    const std::map<std::string, std::string>& volume_keys);

// The candidates on the session's engine (with sizes).
std::vector<VolumeCandidate> volume_candidates(Session& session);

}  // namespace ollama_stack::stack

#pragma once
// What a restore has replaced so far, and how to put it back: volumes keep their previous content
// in a "<name>-pre-restore-<hex>" volume until the whole restore succeeded; config files keep
// theirs in memory (they are small).
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/backup/restore_plan.hpp"

namespace ollama_stack::stack {

class RestoreUndo {
 public:
  RestoreUndo(engine::Client& client, std::string installation)
      : client_(client), installation_(std::move(installation)) {}

  // Replaces volume `target` with the tar `data`: its content is first copied aside, then the
  // volume is made again, empty, and the tar imported into it.
  void replace_volume(const VolumeTarget& target, const std::string& image, const ByteReader& data,
                      const std::function<bool()>& cancelled);
  // Writes a config file atomically (.env with mode 0600), keeping its previous content.
  void write_config(const std::filesystem::path& path, const std::string& content);
  std::vector<std::string> replaced_volumes() const;
  // Puts everything back; returns one sentence per thing that could not be.
  std::vector<std::string> undo(const std::function<bool()>& cancelled);
  // After success: the copies of the previous content go. Returns what could not be removed.
  std::vector<std::string> discard();

 private:
  void remove_if_there(const std::string& name);

  struct Volume {
    std::string name;
    std::string saved;  // "" when it did not exist
    bool existed = false;
    bool saved_exists = false;
    bool replaced = false;  // emptied (or created): undo must put it back
    std::string driver;
    std::map<std::string, std::string> labels;
    std::string image;
  };
  struct Config {
    std::filesystem::path path;
    std::optional<std::string> previous;  // nullopt: it did not exist
  };
  engine::Client& client_;
  std::string installation_;
  std::vector<Volume> volumes_;
  std::vector<Config> configs_;
};

}  // namespace ollama_stack::stack

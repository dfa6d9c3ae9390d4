#pragma once
// `uninstall`: everything of one installation, found by the `ollama-stack.installation=<project>`
// label (containers, networks, volumes; extensions carry the same label) and the images its
// containers and compose files use. Never another installation's resources, never unlabelled
// ones, never an image a container outside the installation still uses. Planning is separate from
// removing so the CLI can print the list and ask first.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct UninstallOptions {
  bool remove_volumes = false;
  bool remove_config = false;
  ProgressCallback progress;
  std::function<bool()> cancelled;  // polled between removals
};

struct UninstallPlan {
  struct Container {
    std::string id;
    std::string name;
    std::string image;
    std::string state;
  };
  struct Network {
    std::string id;
    std::string name;
  };
  struct Volume {
    std::string name;
    int64_t size = -1;  // bytes, -1 when the engine did not say
  };
  struct Image {
    std::string reference;  // what is removed: a tag ("repo:tag") — the image goes when it was the last
    std::string id;
    int64_t size = 0;
  };
  struct KeptImage {
    std::string reference;
    std::string why;  // "used by container x (another installation)"
  };

  std::string installation;
  std::vector<Container> containers;
  std::vector<Network> networks;
  std::vector<Volume> volumes;  // filled only with remove_volumes
  std::vector<Image> images;
  std::vector<KeptImage> kept_images;
  std::vector<std::filesystem::path> config;  // filled only with remove_config
  std::vector<std::string> warnings;          // e.g. the compose files could not be loaded

  bool empty() const {
    return containers.empty() && networks.empty() && volumes.empty() && images.empty() && config.empty();
  }
  int64_t volume_bytes() const;
};

// Why the image `reference` (inspected as `image`) must stay, given the containers outside the
// installation — one of them was created from that name, or it is the image's last tag and one
// of them runs that image — or "" when removing it harms nobody else.
std::string image_kept_because(const std::string& reference, const engine::ImageInfo& image,
                               const std::vector<engine::ContainerSummary>& others);

// What uninstall would remove; changes nothing.
UninstallPlan plan_uninstall(Session& session, const UninstallOptions& options);

struct UninstallResult {
  std::vector<std::string> removed_containers;
  std::vector<std::string> removed_networks;
  std::vector<std::string> removed_volumes;
  std::vector<std::string> removed_images;
  std::vector<std::string> removed_config;
  std::vector<std::string> failures;  // one sentence each; the rest was still removed
};

// Removes what the plan lists (containers, then networks, volumes, images, config), and the home
// once its config is gone and nothing else is in it. Call it holding the stack lock, with a plan
// made under that lock. Throws Interrupted between two removals when cancelled.
UninstallResult carry_out_uninstall(Session& session, const UninstallPlan& plan, const UninstallOptions& options);

// Removes the home directory when nothing but the lock file is in it (the lock file too, while
// the caller holds it).
void remove_empty_home(const HomeLayout& home);

}  // namespace ollama_stack::stack

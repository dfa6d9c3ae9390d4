// A stand-in `nvidia-smi` for the Ollama image, for the GPU watchdog's tests. The test engine
// has no GPU and its stand-in NVIDIA hook injects nothing, so this always lists the GPUs named by
// STANDIN_NVIDIA_GPUS — until the GPU is "lost": while kGpuLostMarker exists it fails as
// nvidia-smi does in a container that lost its devices after a host `systemctl daemon-reload`
// (NVIDIA/nvidia-docker#1730). The Ollama role removes the marker when it starts, because a
// restarted container gets its devices again.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "standin.hpp"

namespace standin {
namespace {

std::vector<std::string> gpu_names() {
    std::vector<std::string> names;
    std::istringstream list(env_or("STANDIN_NVIDIA_GPUS", "NVIDIA GeForce RTX 4090"));
    for (std::string name; std::getline(list, name, ';');)
        if (!name.empty()) names.push_back(name);
    return names;
}

// A stable, made-up UUID per GPU, in nvidia-smi's GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx form.
std::string uuid_of(std::size_t index, const std::string& name) {
    std::uint64_t h = 1469598103934665603ull ^ index;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    std::ostringstream hex;
    for (int i = 0; i < 32; ++i) {
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        hex << "0123456789abcdef"[(h >> 60) & 0xF];
    }
    const std::string s = hex.str();
    return "GPU-" + s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) + "-" +
           s.substr(20, 12);
}

}  // namespace

const char* const kGpuLostMarker = "/tmp/standin-gpu-lost";

int nvidia_smi(const std::vector<std::string>& args) {
    std::error_code ignored;
    if (std::filesystem::exists(kGpuLostMarker, ignored)) {
        std::cout << "Failed to initialize NVML: Unknown Error" << std::endl;
        return 255;
    }
    const auto names = gpu_names();
    if (!args.empty() && args[0] != "-L" && args[0] != "--list-gpus") {
        std::cout << "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help." << std::endl;
        return 2;
    }
    if (names.empty()) {
        std::cout << "No devices were found" << std::endl;
        return 6;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
        std::cout << "GPU " << i << ": " << names[i] << " (UUID: " << uuid_of(i, names[i]) << ")\n";
    std::cout.flush();
    return 0;
}

}  // namespace standin

// The Ollama stand-in's models: a small built-in catalogue, and the store that keeps pulled ones
// on disk in Ollama's own layout (see ollama.cpp).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "standin.hpp"

namespace standin {

namespace fs = std::filesystem;
using SysClock = std::chrono::system_clock;

struct Model {
    std::string name;  // "model:tag"
    std::string family;
    std::string parameter_size;
    std::string quantization;
    std::size_t model_bytes;
    int context_length;
};

const std::vector<Model>& catalogue();

struct Layer {
    std::string media_type;
    std::string content;
    std::string digest;  // "sha256:<64 hex>"
};

std::string template_for(const std::string& family);
std::string params_for(const Model& m);
json details_json(const Model& m);
// Model layer, template, parameters, then the config blob (pulled last, as Ollama does).
std::vector<Layer> layers_for(const Model& m);
// "Standin-Tiny" → "standin-tiny:latest"; drops a "registry.ollama.ai/" and "library/" prefix.
std::string normalize(std::string name);
const Model* find_in_catalogue(const std::string& normalized);

// A model in the store: the catalogue entry plus its manifest as written at pull time.
struct Stored {
    const Model* model;
    json manifest;
    std::size_t size() const {
        std::size_t total = manifest["config"].value("size", std::size_t{0});
        for (const auto& l : manifest["layers"]) total += l.value("size", std::size_t{0});
        return total;
    }
    std::string digest() const { return fake_sha256_hex(manifest.dump()); }
    std::string modified_at() const { return manifest["x-standin"].value("modified_at", ""); }
};

class Store {
public:
    fs::path root() const {
        auto env = env_or("OLLAMA_MODELS", "");
        return env.empty() ? fs::path(options().data_dir) / "models" : fs::path(env);
    }
    fs::path manifest_path(const std::string& name) const {
        auto colon = name.rfind(':');
        return root() / "manifests" / "registry.ollama.ai" / "library" / name.substr(0, colon) / name.substr(colon + 1);
    }
    fs::path blob_path(const std::string& digest) const {
        return root() / "blobs" / ("sha256-" + digest.substr(7));
    }

    std::optional<Stored> get(const std::string& name) {
        std::lock_guard lock(mu_);
        return get_locked(name);
    }

    std::vector<Stored> list() {
        std::lock_guard lock(mu_);
        std::vector<Stored> out;
        for (const auto& m : catalogue())
            if (auto s = get_locked(m.name)) out.push_back(*s);
        std::sort(out.begin(), out.end(),
                  [](const Stored& a, const Stored& b) { return a.modified_at() > b.modified_at(); });
        return out;
    }

    void write_blob(const Layer& layer) {
        std::lock_guard lock(mu_);
        write_file(blob_path(layer.digest), layer.content);
    }

    void write_manifest(const Model& m, const std::vector<Layer>& layers) {
        json manifest = {{"schemaVersion", 2}, {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"}};
        json list = json::array();
        for (const auto& l : layers) {
            json entry = {{"mediaType", l.media_type}, {"digest", l.digest}, {"size", l.content.size()}};
            if (&l == &layers.back()) manifest["config"] = entry;
            else list.push_back(entry);
        }
        manifest["layers"] = list;
        manifest["x-standin"] = {{"name", m.name}, {"modified_at", rfc3339(SysClock::now())}};
        std::lock_guard lock(mu_);
        write_file(manifest_path(m.name), manifest.dump(2));
    }

    // Removes the manifest and every blob no other manifest still references.
    bool remove(const std::string& name) {
        std::lock_guard lock(mu_);
        if (!get_locked(name)) return false;
        auto path = manifest_path(name);
        fs::remove(path);
        std::error_code ec;
        if (fs::is_empty(path.parent_path(), ec)) fs::remove(path.parent_path(), ec);
        std::vector<std::string> in_use;
        for (const auto& m : catalogue())
            if (auto s = get_locked(m.name))
                for (const auto& l : layers_for(*s->model)) in_use.push_back(l.digest);
        if (auto m = find_in_catalogue(name))
            for (const auto& l : layers_for(*m))
                if (std::find(in_use.begin(), in_use.end(), l.digest) == in_use.end()) fs::remove(blob_path(l.digest), ec);
        return true;
    }

private:
    std::optional<Stored> get_locked(const std::string& name) {
        const Model* m = find_in_catalogue(name);
        if (!m) return std::nullopt;
        std::ifstream in(manifest_path(name));
        if (!in) return std::nullopt;
        json manifest = json::parse(in, nullptr, false);
        if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("layers") ||
            !manifest["layers"].is_array() || !manifest.contains("config") || !manifest.contains("x-standin"))
            return std::nullopt;
        return Stored{m, manifest};
    }

    static void write_file(const fs::path& path, const std::string& content) {
        fs::create_directories(path.parent_path());
        auto tmp = path;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out.write(content.data(), static_cast<std::streamsize>(content.size()));
            if (!out) throw std::runtime_error("cannot write " + tmp.string());
        }
        fs::rename(tmp, path);
    }

    std::mutex mu_;
};

Store& store();

}  // namespace standin

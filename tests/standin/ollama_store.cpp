// The Ollama stand-in's catalogue of models and its store (ollama_store.hpp).
#include "ollama_store.hpp"

namespace standin {

const std::vector<Model>& catalogue() {
    static const std::vector<Model> models = {
        {"standin-tiny:latest", "llama", "1.2M", "Q4_0", 6144, 2048},
        {"standin-tiny:q4", "llama", "1.2M", "Q4_K_M", 4096, 2048},
        {"standin-small:latest", "qwen2", "7.5M", "Q8_0", 24576, 4096},
    };
    return models;
}

std::string template_for(const std::string& family) {
    return "{{ if .System }}<|system|>" + family + " {{ .System }}{{ end }}<|user|>{{ .Prompt }}<|assistant|>";
}

std::string params_for(const Model& m) {
    return "num_ctx " + std::to_string(m.context_length) + "\nstop \"<|user|>\"\ntemperature 0.7";
}

json details_json(const Model& m) {
    return {{"parent_model", ""}, {"format", "gguf"}, {"family", m.family}, {"families", json::array({m.family})},
            {"parameter_size", m.parameter_size}, {"quantization_level", m.quantization}};
}

// Model layer, template, parameters, then the config blob (pulled last, as Ollama does).
std::vector<Layer> layers_for(const Model& m) {
    std::vector<Layer> layers;
    std::string weights(m.model_bytes, '\0');
    uint64_t x = std::hash<std::string>{}(m.name) | 1;
    for (auto& c : weights) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        c = static_cast<char>(x & 0xff);
    }
    std::memcpy(weights.data(), "GGUF", 4);
    layers.push_back({"application/vnd.ollama.image.model", std::move(weights), ""});
    layers.push_back({"application/vnd.ollama.image.template", template_for(m.family), ""});
    layers.push_back({"application/vnd.ollama.image.params", params_for(m), ""});
    json config = {{"model_format", "gguf"}, {"model_family", m.family}, {"model_families", {m.family}},
                   {"model_type", m.parameter_size}, {"file_type", m.quantization}};
    layers.push_back({"application/vnd.docker.container.image.v1+json", config.dump(), ""});
    for (auto& l : layers) l.digest = "sha256:" + fake_sha256_hex(l.content);
    return layers;
}

// "Standin-Tiny" → "standin-tiny:latest"; drops a "registry.ollama.ai/" and "library/" prefix.
std::string normalize(std::string name) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string prefix : {"registry.ollama.ai/", "library/"})
        if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
    auto slash = name.rfind('/');
    if (name.find(':', slash == std::string::npos ? 0 : slash) == std::string::npos) name += ":latest";
    return name;
}

const Model* find_in_catalogue(const std::string& normalized) {
    for (const auto& m : catalogue())
        if (m.name == normalized) return &m;
    return nullptr;
}

Store& store() {
    static Store s;
    return s;
}

}  // namespace standin

// Reads the engine's side of a project for plan().
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/plan.hpp"
#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::compose {

Observed observe(engine::Client& client, const Project& project) {
  Observed observed;
  const engine::Filters filters = project_filter(project.name);
  for (auto& container : client.list_containers(filters, true)) {
    auto oneoff = container.labels.find(labels::kOneoff);
    if (oneoff != container.labels.end() && oneoff->second == "True") continue;
    observed.containers.push_back(std::move(container));
  }
  // Networks and volumes by their exact names: the project may name ones it did not create.
  for (const auto& [key, network] : project.networks)
    if (auto found = client.inspect_network(network.name); found && found->name == network.name)
      observed.networks[network.name] = *found;
  for (const auto& [key, volume] : project.volumes)
    if (auto found = client.inspect_volume(volume.name)) observed.volumes[volume.name] = *found;
  for (const auto& [name, service] : project.services) {
    if (observed.images.count(service.image) != 0) continue;
    if (auto image = client.inspect_image(service.image)) {
      observed.images[service.image] = image->id;
      if (image->last_tag_time != 0) observed.image_tag_times[service.image] = image->last_tag_time;
    }
  }
  return observed;
}

}  // namespace ollama_stack::compose

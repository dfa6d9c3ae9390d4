#pragma once
// The product's version, from project(VERSION) in CMakeLists.txt through one generated source
// file (cmake/version.cpp.in), so that a version bump recompiles that file alone.
namespace ollama_stack {

extern const char* const kVersion;

}  // namespace ollama_stack

# What `cmake --install` installs and what `cpack -G DEB` packs: the binary, bash/zsh/fish
# completion and a man page (all generated at build time by the binary from its own command tree:
# cmake/generate_share_files.cmake), the README and packaging/copyright. The .deb installs under
# /usr with Debian's paths (zsh's vendor-completions, /usr/share/doc/ollama-stack/copyright), and
# its Depends come from the shared libraries the binary links (dpkg-shlibdeps).
include(GNUInstallDirs)

set(OLLAMA_STACK_SHARE_DIR ${PROJECT_BINARY_DIR}/generated/share)
set(OLLAMA_STACK_SHARE_FILES
    ${OLLAMA_STACK_SHARE_DIR}/bash-completion/completions/ollama-stack
    ${OLLAMA_STACK_SHARE_DIR}/zsh/vendor-completions/_ollama-stack
    ${OLLAMA_STACK_SHARE_DIR}/fish/vendor_completions.d/ollama-stack.fish
    ${OLLAMA_STACK_SHARE_DIR}/man/man1/ollama-stack.1.gz)
add_custom_command(
  OUTPUT ${OLLAMA_STACK_SHARE_FILES}
  COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:ollama-stack> -DOUTPUT_DIR=${OLLAMA_STACK_SHARE_DIR}
          -P ${PROJECT_SOURCE_DIR}/cmake/generate_share_files.cmake
  DEPENDS ollama-stack ${PROJECT_SOURCE_DIR}/cmake/generate_share_files.cmake
  COMMENT "Generating shell completion and the man page from the command tree")
add_custom_target(ollama-stack-share-files ALL DEPENDS ${OLLAMA_STACK_SHARE_FILES})

install(TARGETS ollama-stack RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(file ${OLLAMA_STACK_SHARE_FILES})
  file(RELATIVE_PATH relative ${OLLAMA_STACK_SHARE_DIR} ${file})
  get_filename_component(directory ${relative} DIRECTORY)
  install(FILES ${file} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/${directory})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ollama-stack)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "ollama-stack developers")
set(CPACK_PACKAGE_CONTACT "ollama-stack developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run a local Ollama + Open WebUI + MCP stack on Docker")
# One string (CPack puts the summary above it as the synopsis line).
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
       "One command runs Ollama, Open WebUI and the MCP proxy (mcpo), plus extensions, on a\n"
       "Docker Engine (local or remote), and reports exactly what state the stack is in: to a\n"
       "person, to scripts (--json, documented exit codes) and to CI.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ollama-stack_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The engine may be on another machine (--host, DOCKER_HOST, contexts), so Docker is only suggested.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "docker.io | docker-ce")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

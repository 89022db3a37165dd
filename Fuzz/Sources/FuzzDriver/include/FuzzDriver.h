// libFuzzer's driver entry point. SwiftPM links executables with their entry point renamed
// (`<Target>_main`), so each fuzz target defines that symbol and hands control to libFuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

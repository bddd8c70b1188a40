#pragma once
// openat2(2): a path opened relative to a directory descriptor, its resolution confined by the
// kernel (RESOLVE_* flags), retried while a concurrent rename makes the kernel ask for it.
#include <sys/types.h>

#include <cstdint>

namespace tellus_harness {

// The new descriptor (O_CLOEXEC added), or -1 with errno: EXDEV or ELOOP when resolution
// would leave what `resolve` allows. `mode` counts only with O_CREAT.
int open_beneath(int dir_fd, const char* path, int flags, std::uint64_t resolve, mode_t mode = 0);

}  // namespace tellus_harness

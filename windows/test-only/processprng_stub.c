/* TEST ONLY — never ship. Wine 8 lacks bcryptprimitives.dll, which Rust's
 * std (since 1.78) imports for ProcessPrng; without it the exe exits with
 * code 53 under Wine. This stub fills the buffer with RtlGenRandom
 * (advapi32's SystemFunction036). Windows 10 and later have the real DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

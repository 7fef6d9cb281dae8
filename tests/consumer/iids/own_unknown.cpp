// SPDX-License-Identifier: MIT
// A strong IID_IUnknown of the program's own, as dd-trace-dotnet's dllmain.cpp
// defines it (no selectany, no weak).
#if defined(_WIN32)
#include <windows.h>
#else
struct iid_like {
  unsigned int Data1;
  unsigned short Data2, Data3;
  unsigned char Data4[8];
};
typedef iid_like IID;
#endif

extern "C" const IID IID_IUnknown = {0x00000000, 0x0000, 0x0000,
                                     {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

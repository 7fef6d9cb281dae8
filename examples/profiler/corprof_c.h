/* SPDX-License-Identifier: MIT */
/*
 * corprof_c.h: the part of the CoreCLR profiling API a C profiler needs,
 * declared in C the way MIDL declares COM interfaces for C (an interface is a
 * struct whose only member is a pointer to a table of function pointers, the
 * vtable, filled in slot order).
 *
 * The base COM types (GUID, IID, REFIID, HRESULT, ULONG, PVOID, IUnknown,
 * IMethodMalloc, STDMETHODCALLTYPE, S_OK...) come from ilheap_com.h; this file
 * adds the profiling interfaces on top of them.
 *
 * Every slot order, signature and IID below was checked against dotnet/runtime
 * src/coreclr/pal/prebuilt/inc/corprof.h (ICorProfilerCallback,
 * ICorProfilerCallback2, ICorProfilerInfo) and src/coreclr/inc/cor.h
 * (IMetaDataImport). The static assertions at the end pin the slot numbers,
 * so a missing or extra slot fails the build instead of calling the wrong
 * function at run time.
 *
 * Sizes follow the Linux PAL: ULONG, DWORD, BOOL and HRESULT are 32-bit;
 * WCHAR is a 16-bit UTF-16 code unit (not wchar_t, which is 32-bit on Linux);
 * the ID types (ModuleID, FunctionID...) are pointer-sized. On Windows the
 * scalar types and IClassFactory come from <windows.h> and <unknwn.h> (through
 * ilheap_com.h), with the same sizes, and every method is __stdcall
 * (STDMETHODCALLTYPE): on x86 the callee pops its arguments, so each
 * declaration below has exactly corprof.h's parameters.
 */
#ifndef ILHEAP_CORPROF_C_H
#define ILHEAP_CORPROF_C_H

#include <stddef.h>
#include <stdint.h>

#include "ilheap_com.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Scalar types (Linux PAL sizes; on Windows, <windows.h>'s) ----------- */
#if !defined(_WIN32)
typedef uint32_t DWORD;
typedef int32_t BOOL;
typedef uint8_t BYTE;
typedef uint16_t WCHAR;
typedef uint32_t ULONG32;
typedef uintptr_t UINT_PTR;
typedef void *HANDLE;
#endif
typedef const BYTE *LPCBYTE;

typedef uintptr_t ProcessID;
typedef uintptr_t AssemblyID;
typedef uintptr_t AppDomainID;
typedef uintptr_t ModuleID;
typedef uintptr_t ClassID;
typedef uintptr_t ThreadID;
typedef uintptr_t ContextID;
typedef uintptr_t FunctionID;
typedef uintptr_t ObjectID;
typedef uintptr_t GCHandleID;

/* Metadata tokens: the top byte is the table, the low 24 bits the row. */
typedef uint32_t mdToken;
typedef mdToken mdModule;
typedef mdToken mdTypeDef;
typedef mdToken mdTypeRef;
typedef mdToken mdMethodDef;
typedef mdToken mdFieldDef;
typedef mdToken mdParamDef;
typedef mdToken mdInterfaceImpl;
typedef mdToken mdMemberRef;
typedef mdToken mdPermission;
typedef mdToken mdSignature;
typedef uint32_t CorElementType;
typedef void *HCORENUM;
typedef const BYTE *PCCOR_SIGNATURE;

#define mdtTypeDef 0x02000000u
#define mdtMethodDef 0x06000000u
#define mdtSignature 0x11000000u
#define mdTokenNil 0u

/* MIDL enums are 32-bit integers; they are passed as such. */
typedef int32_t COR_PRF_JIT_CACHE;
typedef int32_t COR_PRF_TRANSITION_REASON;
typedef int32_t COR_PRF_SUSPEND_REASON;
typedef int32_t COR_PRF_GC_REASON;
typedef int32_t COR_PRF_GC_ROOT_KIND;
typedef int32_t COR_PRF_GC_ROOT_FLAGS;

typedef struct COR_IL_MAP {
  ULONG32 oldOffset;
  ULONG32 newOffset;
  BOOL fAccurate;
} COR_IL_MAP;

typedef struct COR_DEBUG_IL_TO_NATIVE_MAP {
  ULONG32 ilOffset;
  ULONG32 nativeStartOffset;
  ULONG32 nativeEndOffset;
} COR_DEBUG_IL_TO_NATIVE_MAP;

/* Enter/leave hooks (only named here: ICorProfilerInfo slot 17 takes them). */
typedef void FunctionEnter(FunctionID funcID);
typedef void FunctionLeave(FunctionID funcID);
typedef void FunctionTailcall(FunctionID funcID);
typedef UINT_PTR FunctionIDMapper(FunctionID funcId, BOOL *pbHookFunction);

/* ---- COR_PRF_MONITOR: the event mask of ICorProfilerInfo::SetEventMask --- */
#define COR_PRF_MONITOR_NONE 0x0u
#define COR_PRF_MONITOR_FUNCTION_UNLOADS 0x1u
#define COR_PRF_MONITOR_CLASS_LOADS 0x2u
#define COR_PRF_MONITOR_MODULE_LOADS 0x4u
#define COR_PRF_MONITOR_ASSEMBLY_LOADS 0x8u
#define COR_PRF_MONITOR_APPDOMAIN_LOADS 0x10u
#define COR_PRF_MONITOR_JIT_COMPILATION 0x20u
#define COR_PRF_MONITOR_EXCEPTIONS 0x40u
#define COR_PRF_MONITOR_GC 0x80u
#define COR_PRF_ENABLE_REJIT 0x40000u
#define COR_PRF_DISABLE_INLINING 0x200000u
#define COR_PRF_DISABLE_OPTIMIZATIONS 0x400000u
#define COR_PRF_DISABLE_ALL_NGEN_IMAGES 0x80000000u

/* HRESULTs of the profiling API used by the sample. */
#ifndef E_FAIL
#define E_FAIL ((HRESULT)0x80004005L)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY ((HRESULT)0x8007000EL)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG ((HRESULT)0x80070057L)
#endif
#ifndef CLASS_E_NOAGGREGATION
#define CLASS_E_NOAGGREGATION ((HRESULT)0x80040110L)
#endif
#ifndef CLASS_E_CLASSNOTAVAILABLE
#define CLASS_E_CLASSNOTAVAILABLE ((HRESULT)0x80040111L)
#endif
#ifndef SUCCEEDED
#define SUCCEEDED(hr) ((HRESULT)(hr) >= 0)
#define FAILED(hr) ((HRESULT)(hr) < 0)
#endif

/* ---- IClassFactory ({00000001-0000-0000-C000-000000000046}) ----------- */
/* <unknwn.h> declares it on Windows (the MIDL guard). */
#ifndef __IClassFactory_INTERFACE_DEFINED__
#define __IClassFactory_INTERFACE_DEFINED__
typedef struct IClassFactory IClassFactory;
typedef struct IClassFactoryVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IClassFactory *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IClassFactory *This);
  ULONG(STDMETHODCALLTYPE *Release)(IClassFactory *This);
  HRESULT(STDMETHODCALLTYPE *CreateInstance)
  (IClassFactory *This, IUnknown *pUnkOuter, REFIID riid, void **ppvObject);
  HRESULT(STDMETHODCALLTYPE *LockServer)(IClassFactory *This, BOOL fLock);
} IClassFactoryVtbl;
struct IClassFactory {
  const IClassFactoryVtbl *lpVtbl;
};
#endif

/* ---- IMetaDataEmit ({BA3FEE4C-ECB9-4e41-83B7-183FA41CD859}) ----------- */
/*
 * A prefix: IUnknown, then slots 3 .. 22 (SetModuleProps .. SetRVA) in cor.h's
 * order. Only DefineMethod (10) and SetRVA (22) are called here; the other
 * slots are placeholders that keep the order (never called through).
 */
typedef struct IMetaDataEmit IMetaDataEmit;
typedef void(STDMETHODCALLTYPE *ilheap_unused_slot)(void);
typedef struct IMetaDataEmitVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMetaDataEmit *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMetaDataEmit *This);
  ULONG(STDMETHODCALLTYPE *Release)(IMetaDataEmit *This);
  ilheap_unused_slot SetModuleProps, Save, SaveToStream, GetSaveSize, DefineTypeDef,
      DefineNestedType, SetHandler;
  HRESULT(STDMETHODCALLTYPE *DefineMethod)
  (IMetaDataEmit *This, mdTypeDef td, const WCHAR *szName, DWORD dwMethodFlags,
   PCCOR_SIGNATURE pvSigBlob, ULONG cbSigBlob, ULONG ulCodeRVA, DWORD dwImplFlags,
   mdMethodDef *pmd);
  ilheap_unused_slot DefineMethodImpl, DefineTypeRefByName, DefineImportType, DefineMemberRef,
      DefineImportMember, DefineEvent, SetClassLayout, DeleteClassLayout, SetFieldMarshal,
      DeleteFieldMarshal, DefinePermissionSet;
  HRESULT(STDMETHODCALLTYPE *SetRVA)(IMetaDataEmit *This, mdMethodDef md, ULONG ulRVA);
} IMetaDataEmitVtbl;
struct IMetaDataEmit {
  const IMetaDataEmitVtbl *lpVtbl;
};

/* ---- IMetaDataImport ({7DAC8207-D3AE-4c75-9B67-92801A497D44}) ---------- */
/*
 * Only the first 42 slots (IUnknown, then CloseEnum .. GetSigFromToken) are
 * declared: a consumer may describe a prefix of a vtable it only calls into.
 * The interface has more slots after GetSigFromToken.
 */
typedef struct IMetaDataImport IMetaDataImport;
typedef struct IMetaDataImportVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMetaDataImport *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMetaDataImport *This);
  ULONG(STDMETHODCALLTYPE *Release)(IMetaDataImport *This);
  void(STDMETHODCALLTYPE *CloseEnum)(IMetaDataImport *This, HCORENUM hEnum);
  HRESULT(STDMETHODCALLTYPE *CountEnum)(IMetaDataImport *This, HCORENUM hEnum, ULONG *pulCount);
  HRESULT(STDMETHODCALLTYPE *ResetEnum)(IMetaDataImport *This, HCORENUM hEnum, ULONG ulPos);
  HRESULT(STDMETHODCALLTYPE *EnumTypeDefs)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef rTypeDefs[], ULONG cMax, ULONG *pcTypeDefs);
  HRESULT(STDMETHODCALLTYPE *EnumInterfaceImpls)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef td, mdInterfaceImpl rImpls[], ULONG cMax,
   ULONG *pcImpls);
  HRESULT(STDMETHODCALLTYPE *EnumTypeRefs)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeRef rTypeRefs[], ULONG cMax, ULONG *pcTypeRefs);
  HRESULT(STDMETHODCALLTYPE *FindTypeDefByName)
  (IMetaDataImport *This, const WCHAR *szTypeDef, mdToken tkEnclosingClass, mdTypeDef *ptd);
  HRESULT(STDMETHODCALLTYPE *GetScopeProps)
  (IMetaDataImport *This, WCHAR *szName, ULONG cchName, ULONG *pchName, GUID *pmvid);
  HRESULT(STDMETHODCALLTYPE *GetModuleFromScope)(IMetaDataImport *This, mdModule *pmd);
  HRESULT(STDMETHODCALLTYPE *GetTypeDefProps)
  (IMetaDataImport *This, mdTypeDef td, WCHAR *szTypeDef, ULONG cchTypeDef, ULONG *pchTypeDef,
   DWORD *pdwTypeDefFlags, mdToken *ptkExtends);
  HRESULT(STDMETHODCALLTYPE *GetInterfaceImplProps)
  (IMetaDataImport *This, mdInterfaceImpl iiImpl, mdTypeDef *pClass, mdToken *ptkIface);
  HRESULT(STDMETHODCALLTYPE *GetTypeRefProps)
  (IMetaDataImport *This, mdTypeRef tr, mdToken *ptkResolutionScope, WCHAR *szName, ULONG cchName,
   ULONG *pchName);
  HRESULT(STDMETHODCALLTYPE *ResolveTypeRef)
  (IMetaDataImport *This, mdTypeRef tr, REFIID riid, IUnknown **ppIScope, mdTypeDef *ptd);
  HRESULT(STDMETHODCALLTYPE *EnumMembers)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef cl, mdToken rMembers[], ULONG cMax,
   ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumMembersWithName)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef cl, const WCHAR *szName, mdToken rMembers[],
   ULONG cMax, ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumMethods)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef cl, mdMethodDef rMethods[], ULONG cMax,
   ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumMethodsWithName)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef cl, const WCHAR *szName,
   mdMethodDef rMethods[], ULONG cMax, ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumFields)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef cl, mdFieldDef rFields[], ULONG cMax,
   ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumFieldsWithName)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef cl, const WCHAR *szName, mdFieldDef rFields[],
   ULONG cMax, ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumParams)
  (IMetaDataImport *This, HCORENUM *phEnum, mdMethodDef mb, mdParamDef rParams[], ULONG cMax,
   ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumMemberRefs)
  (IMetaDataImport *This, HCORENUM *phEnum, mdToken tkParent, mdMemberRef rMemberRefs[], ULONG cMax,
   ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumMethodImpls)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef td, mdToken rMethodBody[],
   mdToken rMethodDecl[], ULONG cMax, ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *EnumPermissionSets)
  (IMetaDataImport *This, HCORENUM *phEnum, mdToken tk, DWORD dwActions, mdPermission rPermission[],
   ULONG cMax, ULONG *pcTokens);
  HRESULT(STDMETHODCALLTYPE *FindMember)
  (IMetaDataImport *This, mdTypeDef td, const WCHAR *szName, PCCOR_SIGNATURE pvSigBlob,
   ULONG cbSigBlob, mdToken *pmb);
  HRESULT(STDMETHODCALLTYPE *FindMethod)
  (IMetaDataImport *This, mdTypeDef td, const WCHAR *szName, PCCOR_SIGNATURE pvSigBlob,
   ULONG cbSigBlob, mdMethodDef *pmb);
  HRESULT(STDMETHODCALLTYPE *FindField)
  (IMetaDataImport *This, mdTypeDef td, const WCHAR *szName, PCCOR_SIGNATURE pvSigBlob,
   ULONG cbSigBlob, mdFieldDef *pmb);
  HRESULT(STDMETHODCALLTYPE *FindMemberRef)
  (IMetaDataImport *This, mdTypeRef td, const WCHAR *szName, PCCOR_SIGNATURE pvSigBlob,
   ULONG cbSigBlob, mdMemberRef *pmr);
  HRESULT(STDMETHODCALLTYPE *GetMethodProps)
  (IMetaDataImport *This, mdMethodDef mb, mdTypeDef *pClass, WCHAR *szMethod, ULONG cchMethod,
   ULONG *pchMethod, DWORD *pdwAttr, PCCOR_SIGNATURE *ppvSigBlob, ULONG *pcbSigBlob,
   ULONG *pulCodeRVA, DWORD *pdwImplFlags);
  HRESULT(STDMETHODCALLTYPE *GetMemberRefProps)
  (IMetaDataImport *This, mdMemberRef mr, mdToken *ptk, WCHAR *szMember, ULONG cchMember,
   ULONG *pchMember, PCCOR_SIGNATURE *ppvSigBlob, ULONG *pbSig);
  HRESULT(STDMETHODCALLTYPE *EnumProperties)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef td, mdToken rProperties[], ULONG cMax,
   ULONG *pcProperties);
  HRESULT(STDMETHODCALLTYPE *EnumEvents)
  (IMetaDataImport *This, HCORENUM *phEnum, mdTypeDef td, mdToken rEvents[], ULONG cMax,
   ULONG *pcEvents);
  HRESULT(STDMETHODCALLTYPE *GetEventProps)
  (IMetaDataImport *This, mdToken ev, mdTypeDef *pClass, const WCHAR *szEvent, ULONG cchEvent,
   ULONG *pchEvent, DWORD *pdwEventFlags, mdToken *ptkEventType, mdMethodDef *pmdAddOn,
   mdMethodDef *pmdRemoveOn, mdMethodDef *pmdFire, mdMethodDef rmdOtherMethod[], ULONG cMax,
   ULONG *pcOtherMethod);
  HRESULT(STDMETHODCALLTYPE *EnumMethodSemantics)
  (IMetaDataImport *This, HCORENUM *phEnum, mdMethodDef mb, mdToken rEventProp[], ULONG cMax,
   ULONG *pcEventProp);
  HRESULT(STDMETHODCALLTYPE *GetMethodSemantics)
  (IMetaDataImport *This, mdMethodDef mb, mdToken tkEventProp, DWORD *pdwSemanticsFlags);
  HRESULT(STDMETHODCALLTYPE *GetClassLayout)
  (IMetaDataImport *This, mdTypeDef td, DWORD *pdwPackSize, void *rFieldOffset, ULONG cMax,
   ULONG *pcFieldOffset, ULONG *pulClassSize);
  HRESULT(STDMETHODCALLTYPE *GetFieldMarshal)
  (IMetaDataImport *This, mdToken tk, PCCOR_SIGNATURE *ppvNativeType, ULONG *pcbNativeType);
  HRESULT(STDMETHODCALLTYPE *GetRVA)
  (IMetaDataImport *This, mdToken tk, ULONG *pulCodeRVA, DWORD *pdwImplFlags);
  HRESULT(STDMETHODCALLTYPE *GetPermissionSetProps)
  (IMetaDataImport *This, mdPermission pm, DWORD *pdwAction, void const **ppvPermission,
   ULONG *pcbPermission);
  HRESULT(STDMETHODCALLTYPE *GetSigFromToken)
  (IMetaDataImport *This, mdSignature mdSig, PCCOR_SIGNATURE *ppvSig, ULONG *pcbSig);
} IMetaDataImportVtbl;
struct IMetaDataImport {
  const IMetaDataImportVtbl *lpVtbl;
};

/* ---- ICorProfilerInfo ({28B5557D-3F3F-48b4-90B2-5F9EEA2F6C48}) --------- */
/* All 36 slots. ICorProfilerInfo2..N extend this table at the end. */
typedef struct ICorProfilerInfo ICorProfilerInfo;
typedef struct ICorProfilerInfoVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICorProfilerInfo *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(ICorProfilerInfo *This);
  ULONG(STDMETHODCALLTYPE *Release)(ICorProfilerInfo *This);
  HRESULT(STDMETHODCALLTYPE *GetClassFromObject)
  (ICorProfilerInfo *This, ObjectID objectId, ClassID *pClassId);
  HRESULT(STDMETHODCALLTYPE *GetClassFromToken)
  (ICorProfilerInfo *This, ModuleID moduleId, mdTypeDef typeDef, ClassID *pClassId);
  HRESULT(STDMETHODCALLTYPE *GetCodeInfo)
  (ICorProfilerInfo *This, FunctionID functionId, LPCBYTE *pStart, ULONG *pcSize);
  HRESULT(STDMETHODCALLTYPE *GetEventMask)(ICorProfilerInfo *This, DWORD *pdwEvents);
  HRESULT(STDMETHODCALLTYPE *GetFunctionFromIP)
  (ICorProfilerInfo *This, LPCBYTE ip, FunctionID *pFunctionId);
  HRESULT(STDMETHODCALLTYPE *GetFunctionFromToken)
  (ICorProfilerInfo *This, ModuleID moduleId, mdToken token, FunctionID *pFunctionId);
  HRESULT(STDMETHODCALLTYPE *GetHandleFromThread)
  (ICorProfilerInfo *This, ThreadID threadId, HANDLE *phThread);
  HRESULT(STDMETHODCALLTYPE *GetObjectSize)
  (ICorProfilerInfo *This, ObjectID objectId, ULONG *pcSize);
  HRESULT(STDMETHODCALLTYPE *IsArrayClass)
  (ICorProfilerInfo *This, ClassID classId, CorElementType *pBaseElemType, ClassID *pBaseClassId,
   ULONG *pcRank);
  HRESULT(STDMETHODCALLTYPE *GetThreadInfo)
  (ICorProfilerInfo *This, ThreadID threadId, DWORD *pdwWin32ThreadId);
  HRESULT(STDMETHODCALLTYPE *GetCurrentThreadID)(ICorProfilerInfo *This, ThreadID *pThreadId);
  HRESULT(STDMETHODCALLTYPE *GetClassIDInfo)
  (ICorProfilerInfo *This, ClassID classId, ModuleID *pModuleId, mdTypeDef *pTypeDefToken);
  HRESULT(STDMETHODCALLTYPE *GetFunctionInfo)
  (ICorProfilerInfo *This, FunctionID functionId, ClassID *pClassId, ModuleID *pModuleId,
   mdToken *pToken);
  HRESULT(STDMETHODCALLTYPE *SetEventMask)(ICorProfilerInfo *This, DWORD dwEvents);
  HRESULT(STDMETHODCALLTYPE *SetEnterLeaveFunctionHooks)
  (ICorProfilerInfo *This, FunctionEnter *pFuncEnter, FunctionLeave *pFuncLeave,
   FunctionTailcall *pFuncTailcall);
  HRESULT(STDMETHODCALLTYPE *SetFunctionIDMapper)(ICorProfilerInfo *This, FunctionIDMapper *pFunc);
  HRESULT(STDMETHODCALLTYPE *GetTokenAndMetaDataFromFunction)
  (ICorProfilerInfo *This, FunctionID functionId, REFIID riid, IUnknown **ppImport,
   mdToken *pToken);
  HRESULT(STDMETHODCALLTYPE *GetModuleInfo)
  (ICorProfilerInfo *This, ModuleID moduleId, LPCBYTE *ppBaseLoadAddress, ULONG cchName,
   ULONG *pcchName, WCHAR szName[], AssemblyID *pAssemblyId);
  HRESULT(STDMETHODCALLTYPE *GetModuleMetaData)
  (ICorProfilerInfo *This, ModuleID moduleId, DWORD dwOpenFlags, REFIID riid, IUnknown **ppOut);
  HRESULT(STDMETHODCALLTYPE *GetILFunctionBody)
  (ICorProfilerInfo *This, ModuleID moduleId, mdMethodDef methodId, LPCBYTE *ppMethodHeader,
   ULONG *pcbMethodSize);
  HRESULT(STDMETHODCALLTYPE *GetILFunctionBodyAllocator)
  (ICorProfilerInfo *This, ModuleID moduleId, IMethodMalloc **ppMalloc);
  HRESULT(STDMETHODCALLTYPE *SetILFunctionBody)
  (ICorProfilerInfo *This, ModuleID moduleId, mdMethodDef methodid, LPCBYTE pbNewILMethodHeader);
  HRESULT(STDMETHODCALLTYPE *GetAppDomainInfo)
  (ICorProfilerInfo *This, AppDomainID appDomainId, ULONG cchName, ULONG *pcchName, WCHAR szName[],
   ProcessID *pProcessId);
  HRESULT(STDMETHODCALLTYPE *GetAssemblyInfo)
  (ICorProfilerInfo *This, AssemblyID assemblyId, ULONG cchName, ULONG *pcchName, WCHAR szName[],
   AppDomainID *pAppDomainId, ModuleID *pModuleId);
  HRESULT(STDMETHODCALLTYPE *SetFunctionReJIT)(ICorProfilerInfo *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *ForceGC)(ICorProfilerInfo *This);
  HRESULT(STDMETHODCALLTYPE *SetILInstrumentedCodeMap)
  (ICorProfilerInfo *This, FunctionID functionId, BOOL fStartJit, ULONG cILMapEntries,
   COR_IL_MAP rgILMapEntries[]);
  HRESULT(STDMETHODCALLTYPE *GetInprocInspectionInterface)
  (ICorProfilerInfo *This, IUnknown **ppicd);
  HRESULT(STDMETHODCALLTYPE *GetInprocInspectionIThisThread)
  (ICorProfilerInfo *This, IUnknown **ppicd);
  HRESULT(STDMETHODCALLTYPE *GetThreadContext)
  (ICorProfilerInfo *This, ThreadID threadId, ContextID *pContextId);
  HRESULT(STDMETHODCALLTYPE *BeginInprocDebugging)
  (ICorProfilerInfo *This, BOOL fThisThreadOnly, DWORD *pdwProfilerContext);
  HRESULT(STDMETHODCALLTYPE *EndInprocDebugging)(ICorProfilerInfo *This, DWORD dwProfilerContext);
  HRESULT(STDMETHODCALLTYPE *GetILToNativeMapping)
  (ICorProfilerInfo *This, FunctionID functionId, ULONG32 cMap, ULONG32 *pcMap,
   COR_DEBUG_IL_TO_NATIVE_MAP map[]);
} ICorProfilerInfoVtbl;
struct ICorProfilerInfo {
  const ICorProfilerInfoVtbl *lpVtbl;
};

/* ---- ICorProfilerCallback2 ({8A8CC829-CCF2-49fe-BBAE-0F022228071A}) ---- */
/*
 * All 80 slots: IUnknown (0-2), ICorProfilerCallback (3-71,
 * IID {176FBED1-A55C-4796-98CA-A9DA0EF883E7}), then the eight slots
 * ICorProfilerCallback2 adds (72-79). An ICorProfilerCallback2 pointer is
 * also a valid ICorProfilerCallback pointer: the older table is a prefix.
 */
typedef struct ICorProfilerCallback2 ICorProfilerCallback2;
typedef struct ICorProfilerCallback2Vtbl {
  /* IUnknown */
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (ICorProfilerCallback2 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(ICorProfilerCallback2 *This);
  ULONG(STDMETHODCALLTYPE *Release)(ICorProfilerCallback2 *This);
  /* ICorProfilerCallback */
  HRESULT(STDMETHODCALLTYPE *Initialize)
  (ICorProfilerCallback2 *This, IUnknown *pICorProfilerInfoUnk);
  HRESULT(STDMETHODCALLTYPE *Shutdown)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *AppDomainCreationStarted)
  (ICorProfilerCallback2 *This, AppDomainID appDomainId);
  HRESULT(STDMETHODCALLTYPE *AppDomainCreationFinished)
  (ICorProfilerCallback2 *This, AppDomainID appDomainId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *AppDomainShutdownStarted)
  (ICorProfilerCallback2 *This, AppDomainID appDomainId);
  HRESULT(STDMETHODCALLTYPE *AppDomainShutdownFinished)
  (ICorProfilerCallback2 *This, AppDomainID appDomainId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *AssemblyLoadStarted)
  (ICorProfilerCallback2 *This, AssemblyID assemblyId);
  HRESULT(STDMETHODCALLTYPE *AssemblyLoadFinished)
  (ICorProfilerCallback2 *This, AssemblyID assemblyId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *AssemblyUnloadStarted)
  (ICorProfilerCallback2 *This, AssemblyID assemblyId);
  HRESULT(STDMETHODCALLTYPE *AssemblyUnloadFinished)
  (ICorProfilerCallback2 *This, AssemblyID assemblyId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *ModuleLoadStarted)(ICorProfilerCallback2 *This, ModuleID moduleId);
  HRESULT(STDMETHODCALLTYPE *ModuleLoadFinished)
  (ICorProfilerCallback2 *This, ModuleID moduleId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *ModuleUnloadStarted)(ICorProfilerCallback2 *This, ModuleID moduleId);
  HRESULT(STDMETHODCALLTYPE *ModuleUnloadFinished)
  (ICorProfilerCallback2 *This, ModuleID moduleId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *ModuleAttachedToAssembly)
  (ICorProfilerCallback2 *This, ModuleID moduleId, AssemblyID AssemblyId);
  HRESULT(STDMETHODCALLTYPE *ClassLoadStarted)(ICorProfilerCallback2 *This, ClassID classId);
  HRESULT(STDMETHODCALLTYPE *ClassLoadFinished)
  (ICorProfilerCallback2 *This, ClassID classId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *ClassUnloadStarted)(ICorProfilerCallback2 *This, ClassID classId);
  HRESULT(STDMETHODCALLTYPE *ClassUnloadFinished)
  (ICorProfilerCallback2 *This, ClassID classId, HRESULT hrStatus);
  HRESULT(STDMETHODCALLTYPE *FunctionUnloadStarted)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *JITCompilationStarted)
  (ICorProfilerCallback2 *This, FunctionID functionId, BOOL fIsSafeToBlock);
  HRESULT(STDMETHODCALLTYPE *JITCompilationFinished)
  (ICorProfilerCallback2 *This, FunctionID functionId, HRESULT hrStatus, BOOL fIsSafeToBlock);
  HRESULT(STDMETHODCALLTYPE *JITCachedFunctionSearchStarted)
  (ICorProfilerCallback2 *This, FunctionID functionId, BOOL *pbUseCachedFunction);
  HRESULT(STDMETHODCALLTYPE *JITCachedFunctionSearchFinished)
  (ICorProfilerCallback2 *This, FunctionID functionId, COR_PRF_JIT_CACHE result);
  HRESULT(STDMETHODCALLTYPE *JITFunctionPitched)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *JITInlining)
  (ICorProfilerCallback2 *This, FunctionID callerId, FunctionID calleeId, BOOL *pfShouldInline);
  HRESULT(STDMETHODCALLTYPE *ThreadCreated)(ICorProfilerCallback2 *This, ThreadID threadId);
  HRESULT(STDMETHODCALLTYPE *ThreadDestroyed)(ICorProfilerCallback2 *This, ThreadID threadId);
  HRESULT(STDMETHODCALLTYPE *ThreadAssignedToOSThread)
  (ICorProfilerCallback2 *This, ThreadID managedThreadId, DWORD osThreadId);
  HRESULT(STDMETHODCALLTYPE *RemotingClientInvocationStarted)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RemotingClientSendingMessage)
  (ICorProfilerCallback2 *This, GUID *pCookie, BOOL fIsAsync);
  HRESULT(STDMETHODCALLTYPE *RemotingClientReceivingReply)
  (ICorProfilerCallback2 *This, GUID *pCookie, BOOL fIsAsync);
  HRESULT(STDMETHODCALLTYPE *RemotingClientInvocationFinished)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RemotingServerReceivingMessage)
  (ICorProfilerCallback2 *This, GUID *pCookie, BOOL fIsAsync);
  HRESULT(STDMETHODCALLTYPE *RemotingServerInvocationStarted)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RemotingServerInvocationReturned)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RemotingServerSendingReply)
  (ICorProfilerCallback2 *This, GUID *pCookie, BOOL fIsAsync);
  HRESULT(STDMETHODCALLTYPE *UnmanagedToManagedTransition)
  (ICorProfilerCallback2 *This, FunctionID functionId, COR_PRF_TRANSITION_REASON reason);
  HRESULT(STDMETHODCALLTYPE *ManagedToUnmanagedTransition)
  (ICorProfilerCallback2 *This, FunctionID functionId, COR_PRF_TRANSITION_REASON reason);
  HRESULT(STDMETHODCALLTYPE *RuntimeSuspendStarted)
  (ICorProfilerCallback2 *This, COR_PRF_SUSPEND_REASON suspendReason);
  HRESULT(STDMETHODCALLTYPE *RuntimeSuspendFinished)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RuntimeSuspendAborted)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RuntimeResumeStarted)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RuntimeResumeFinished)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *RuntimeThreadSuspended)
  (ICorProfilerCallback2 *This, ThreadID threadId);
  HRESULT(STDMETHODCALLTYPE *RuntimeThreadResumed)(ICorProfilerCallback2 *This, ThreadID threadId);
  HRESULT(STDMETHODCALLTYPE *MovedReferences)
  (ICorProfilerCallback2 *This, ULONG cMovedObjectIDRanges, ObjectID oldObjectIDRangeStart[],
   ObjectID newObjectIDRangeStart[], ULONG cObjectIDRangeLength[]);
  HRESULT(STDMETHODCALLTYPE *ObjectAllocated)
  (ICorProfilerCallback2 *This, ObjectID objectId, ClassID classId);
  HRESULT(STDMETHODCALLTYPE *ObjectsAllocatedByClass)
  (ICorProfilerCallback2 *This, ULONG cClassCount, ClassID classIds[], ULONG cObjects[]);
  HRESULT(STDMETHODCALLTYPE *ObjectReferences)
  (ICorProfilerCallback2 *This, ObjectID objectId, ClassID classId, ULONG cObjectRefs,
   ObjectID objectRefIds[]);
  HRESULT(STDMETHODCALLTYPE *RootReferences)
  (ICorProfilerCallback2 *This, ULONG cRootRefs, ObjectID rootRefIds[]);
  HRESULT(STDMETHODCALLTYPE *ExceptionThrown)(ICorProfilerCallback2 *This, ObjectID thrownObjectId);
  HRESULT(STDMETHODCALLTYPE *ExceptionSearchFunctionEnter)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *ExceptionSearchFunctionLeave)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *ExceptionSearchFilterEnter)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *ExceptionSearchFilterLeave)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *ExceptionSearchCatcherFound)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *ExceptionOSHandlerEnter)(ICorProfilerCallback2 *This, UINT_PTR unused);
  HRESULT(STDMETHODCALLTYPE *ExceptionOSHandlerLeave)(ICorProfilerCallback2 *This, UINT_PTR unused);
  HRESULT(STDMETHODCALLTYPE *ExceptionUnwindFunctionEnter)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *ExceptionUnwindFunctionLeave)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *ExceptionUnwindFinallyEnter)
  (ICorProfilerCallback2 *This, FunctionID functionId);
  HRESULT(STDMETHODCALLTYPE *ExceptionUnwindFinallyLeave)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *ExceptionCatcherEnter)
  (ICorProfilerCallback2 *This, FunctionID functionId, ObjectID objectId);
  HRESULT(STDMETHODCALLTYPE *ExceptionCatcherLeave)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *COMClassicVTableCreated)
  (ICorProfilerCallback2 *This, ClassID wrappedClassId, REFIID implementedIID, void *pVTable,
   ULONG cSlots);
  HRESULT(STDMETHODCALLTYPE *COMClassicVTableDestroyed)
  (ICorProfilerCallback2 *This, ClassID wrappedClassId, REFIID implementedIID, void *pVTable);
  HRESULT(STDMETHODCALLTYPE *ExceptionCLRCatcherFound)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *ExceptionCLRCatcherExecute)(ICorProfilerCallback2 *This);
  /* ICorProfilerCallback2 */
  HRESULT(STDMETHODCALLTYPE *ThreadNameChanged)
  (ICorProfilerCallback2 *This, ThreadID threadId, ULONG cchName, WCHAR name[]);
  HRESULT(STDMETHODCALLTYPE *GarbageCollectionStarted)
  (ICorProfilerCallback2 *This, int cGenerations, BOOL generationCollected[],
   COR_PRF_GC_REASON reason);
  HRESULT(STDMETHODCALLTYPE *SurvivingReferences)
  (ICorProfilerCallback2 *This, ULONG cSurvivingObjectIDRanges, ObjectID objectIDRangeStart[],
   ULONG cObjectIDRangeLength[]);
  HRESULT(STDMETHODCALLTYPE *GarbageCollectionFinished)(ICorProfilerCallback2 *This);
  HRESULT(STDMETHODCALLTYPE *FinalizeableObjectQueued)
  (ICorProfilerCallback2 *This, DWORD finalizerFlags, ObjectID objectID);
  HRESULT(STDMETHODCALLTYPE *RootReferences2)
  (ICorProfilerCallback2 *This, ULONG cRootRefs, ObjectID rootRefIds[],
   COR_PRF_GC_ROOT_KIND rootKinds[], COR_PRF_GC_ROOT_FLAGS rootFlags[], UINT_PTR rootIds[]);
  HRESULT(STDMETHODCALLTYPE *HandleCreated)
  (ICorProfilerCallback2 *This, GCHandleID handleId, ObjectID initialObjectId);
  HRESULT(STDMETHODCALLTYPE *HandleDestroyed)(ICorProfilerCallback2 *This, GCHandleID handleId);
} ICorProfilerCallback2Vtbl;
struct ICorProfilerCallback2 {
  const ICorProfilerCallback2Vtbl *lpVtbl;
};

/* ---- Slot numbers, pinned (corprof.h / cor.h order) -------------------- */
#define ILHEAP_SLOT(vtbl, member) (offsetof(vtbl, member) / sizeof(void (*)(void)))

_Static_assert(ILHEAP_SLOT(IClassFactoryVtbl, CreateInstance) == 3, "IClassFactory slot 3");
_Static_assert(sizeof(IClassFactoryVtbl) == 5 * sizeof(void (*)(void)), "IClassFactory: 5 slots");

_Static_assert(ILHEAP_SLOT(IMetaDataEmitVtbl, SetModuleProps) == 3, "IMetaDataEmit slot 3");
_Static_assert(ILHEAP_SLOT(IMetaDataEmitVtbl, DefineMethod) == 10, "IMetaDataEmit slot 10");
_Static_assert(ILHEAP_SLOT(IMetaDataEmitVtbl, SetRVA) == 22, "IMetaDataEmit slot 22");

_Static_assert(ILHEAP_SLOT(IMetaDataImportVtbl, CloseEnum) == 3, "IMetaDataImport slot 3");
_Static_assert(ILHEAP_SLOT(IMetaDataImportVtbl, FindTypeDefByName) == 9, "slot 9");
_Static_assert(ILHEAP_SLOT(IMetaDataImportVtbl, GetTypeDefProps) == 12, "slot 12");
_Static_assert(ILHEAP_SLOT(IMetaDataImportVtbl, GetMethodProps) == 30, "slot 30");
_Static_assert(ILHEAP_SLOT(IMetaDataImportVtbl, GetSigFromToken) == 41, "slot 41");

_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, GetEventMask) == 6, "Info slot 6");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, GetFunctionInfo) == 15, "Info slot 15");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, SetEventMask) == 16, "Info slot 16");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, GetTokenAndMetaDataFromFunction) == 19,
               "Info slot 19");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, GetModuleInfo) == 20, "Info slot 20");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, GetILFunctionBody) == 22, "Info slot 22");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, GetILFunctionBodyAllocator) == 23, "Info slot 23");
_Static_assert(ILHEAP_SLOT(ICorProfilerInfoVtbl, SetILFunctionBody) == 24, "Info slot 24");
_Static_assert(sizeof(ICorProfilerInfoVtbl) == 36 * sizeof(void (*)(void)), "Info: 36 slots");

_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, Initialize) == 3, "Callback slot 3");
_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, Shutdown) == 4, "Callback slot 4");
_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, ModuleLoadFinished) == 14, "slot 14");
_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, ModuleUnloadFinished) == 16, "slot 16");
_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, JITCompilationStarted) == 23, "slot 23");
_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, ExceptionCLRCatcherExecute) == 71,
               "ICorProfilerCallback ends at slot 71");
_Static_assert(ILHEAP_SLOT(ICorProfilerCallback2Vtbl, ThreadNameChanged) == 72, "slot 72");
_Static_assert(sizeof(ICorProfilerCallback2Vtbl) == 80 * sizeof(void (*)(void)),
               "ICorProfilerCallback2: 80 slots");

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_CORPROF_C_H */

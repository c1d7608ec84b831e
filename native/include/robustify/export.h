/* Symbol visibility: the libraries build with hidden visibility, so only RFY_API names form the ABI. */
#ifndef ROBUSTIFY_EXPORT_H
#define ROBUSTIFY_EXPORT_H
#if defined(_WIN32)
#  if defined(RFY_BUILDING_LIBRARY)
#    define RFY_API __declspec(dllexport)
#  else
#    define RFY_API __declspec(dllimport)
#  endif
#else
#  define RFY_API __attribute__((visibility("default")))
#endif
#endif

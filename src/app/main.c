#include "config.h"

#include <signal.h>

#include "as-application.h"
#include "as-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AsApplication) application = NULL;

  /* past the limit on file sizes (ulimit -f), an export fails with an
   * error, not a kill that leaves its temporary file (as-file-write.h) */
  signal (SIGXFSZ, SIG_IGN);
  /* the locale, and the translations of the interface (po/) */
  as_application_init_i18n ();
  as_register_resource ();

  application = as_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}

#include "config.h"

#include "as-application.h"
#include "as-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AsApplication) application = NULL;

  /* the locale, and the translations of the interface (po/) */
  as_application_init_i18n ();
  as_register_resource ();

  application = as_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}

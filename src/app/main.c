#include "config.h"

#include "as-application.h"
#include "as-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AsApplication) application = NULL;

  as_register_resource ();

  application = as_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}

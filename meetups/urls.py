app_name = "meetups"

urlpatterns = []
